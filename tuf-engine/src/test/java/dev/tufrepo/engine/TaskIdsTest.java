package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TaskIdsTest {

  @Test
  void newTaskId_isThirtyTwoLowercaseHexDigits_ofAVersion7Uuid() {
    String id = TaskIds.newTaskId();
    assertTrue(id.matches("[0-9a-f]{32}"), id);
    UUID uuid =
        UUID.fromString(
            id.substring(0, 8)
                + "-"
                + id.substring(8, 12)
                + "-"
                + id.substring(12, 16)
                + "-"
                + id.substring(16, 20)
                + "-"
                + id.substring(20));
    assertEquals(7, uuid.version());
    assertEquals(2, uuid.variant()); // RFC 9562
  }

  @Test
  void newTaskId_carriesItsMillisecondInTheFirst48Bits() {
    long millis = 1_795_000_000_123L;
    assertEquals(millis, Long.parseLong(TaskIds.newTaskId(millis).substring(0, 12), 16));
  }

  @Test
  void newTaskId_sameMillisecond_stillDistinct() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(TaskIds.newTaskId(1_795_000_000_000L));
    }
    assertEquals(10_000, ids.size()); // 74 random bits each
  }

  @Property
  void newTaskId_laterMillisecond_sortsLater(
      @ForAll @LongRange(min = 0, max = (1L << 48) - 2) long millis,
      @ForAll @LongRange(min = 1, max = 1_000_000) long later) {
    long second = Math.min(millis + later, (1L << 48) - 1);
    assertTrue(TaskIds.newTaskId(millis).compareTo(TaskIds.newTaskId(second)) < 0);
  }
}
