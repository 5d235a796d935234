package dev.podnet.fix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DurationTextTest {
  @Test
  void parsesTheUnitsPeopleWrite() {
    assertThat(DurationText.parse("200ms")).isEqualTo(Duration.ofMillis(200));
    assertThat(DurationText.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationText.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(DurationText.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationText.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void refusesWhatIsNotADuration() {
    for (String bad :
        new String[] {
          "", "5", "m", "5 m", "-5m", "5min", "1.5s", "PT5M", "99999999999999999999h"
        }) {
      assertThatThrownBy(() -> DurationText.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid duration '" + bad + "'");
    }
  }

  @Test
  void formatReadsBackToTheSameDuration() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    for (int i = 0; i < 2000; i++) {
      Duration duration = Duration.ofMillis(Math.abs(random.nextLong() % 400_000_000L));
      assertThat(DurationText.parse(DurationText.format(duration)))
          .as("seed %d: %s", seed, duration)
          .isEqualTo(duration);
    }
    assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
  }
}
