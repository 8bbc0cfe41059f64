package dev.tufrepo.storage.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tufrepo.storage.TaskRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentTasksTest {
  private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");

  private static TaskRecord task(int n, String result) {
    return new TaskRecord(String.format("%032x", n), "add_artifacts", "SUCCESS", T0, result);
  }

  @Test
  void committed_pastTheCount_dropsTheOldestFirst() {
    RecentTasks recent = new RecentTasks(2, 1_000, 100);
    recent.committed(List.of(task(1, "a"), task(2, "b")), recent.writes());
    recent.committed(List.of(task(3, "c")), recent.writes());
    assertNull(recent.get(task(1, null).id()));
    assertEquals("b", recent.get(task(2, null).id()).result());
    assertEquals("c", recent.get(task(3, null).id()).result());
  }

  @Test
  void committed_pastTheResultsSize_dropsTheOldest_andALargeResultIsNotKept() {
    RecentTasks recent = new RecentTasks(100, 10, 6);
    recent.committed(List.of(task(1, "12345"), task(2, "12345")), recent.writes());
    assertEquals(2, recent.size());
    recent.committed(List.of(task(3, "1")), recent.writes()); // 11 chars: task 1 goes
    assertNull(recent.get(task(1, null).id()));
    assertEquals(2, recent.size());
    // a newer record too large to keep replaces the kept one: the old one must not stay
    recent.committed(List.of(task(2, "1234567")), recent.writes());
    assertNull(recent.get(task(2, null).id()));
    assertEquals("1", recent.get(task(3, null).id()).result());
  }

  @Test
  void committed_afterAWriteThatEndedMeanwhile_keepsNone_andDropsTheirOldRecords() {
    RecentTasks recent = new RecentTasks(100, 1_000, 100);
    recent.committed(List.of(task(1, "old")), recent.writes());
    long before = recent.writes();
    recent.written(task(7, null).id());
    recent.committed(List.of(task(1, "new"), task(2, "new")), before);
    assertNull(recent.get(task(1, null).id()));
    assertNull(recent.get(task(2, null).id()));
  }

  @Test
  void written_dropsTheTasksRecord() {
    RecentTasks recent = new RecentTasks(100, 1_000, 100);
    recent.committed(List.of(task(1, "r")), recent.writes());
    recent.written(task(1, null).id());
    assertNull(recent.get(task(1, null).id()));
  }
}
