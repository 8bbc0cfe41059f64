package dev.tufrepo.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ResponsesProperties {

  @Property(tries = 5000)
  void naive_anyInstantOfYears1To9999_sameAsTheFormatter(
      @ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_799L) long epochSecond,
      @ForAll @LongRange(min = 0, max = 999_999_999) long nanos) {
    Instant when = Instant.ofEpochSecond(epochSecond, nanos);

    assertEquals(Responses.naiveFormatted(when), Responses.naive(when));
  }

  @Test
  void lastUpdate_pydanticForm_fractionOnlyWhenMicrosecondsAreNotZero() {
    assertEquals(
        "2022-12-01T12:10:00.578086Z",
        Responses.lastUpdate(Instant.parse("2022-12-01T12:10:00.578086999Z")));
    assertEquals(
        "2022-12-01T12:10:00Z",
        Responses.lastUpdate(Instant.parse("2022-12-01T12:10:00.000000999Z")));
    assertEquals(
        "0001-01-01T00:00:00.000001",
        Responses.naive(Instant.parse("0001-01-01T00:00:00.000001Z")));
  }
}
