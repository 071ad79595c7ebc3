package io.otaflow.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void readsEveryFormPeopleWrite() {
    assertThat(Durations.read("500ms")).contains(Duration.ofMillis(500));
    assertThat(Durations.read("30s")).contains(Duration.ofSeconds(30));
    assertThat(Durations.read(" 5m ")).contains(Duration.ofMinutes(5));
    assertThat(Durations.read("1H")).contains(Duration.ofHours(1));
    assertThat(Durations.read("2d")).contains(Duration.ofDays(2));
    assertThat(Durations.read("45")).contains(Duration.ofSeconds(45));
    assertThat(Durations.read("0s")).contains(Duration.ZERO);
    assertThat(Durations.read("PT1H30M")).contains(Duration.ofMinutes(90));
  }

  @Test
  void refusesWhatIsNotADuration() {
    assertThat(Durations.read("soon")).isEmpty();
    assertThat(Durations.read("2 minutes")).isEmpty();
    assertThat(Durations.read("5w")).isEmpty();
    assertThat(Durations.read("99999999999999999999s")).isEmpty();
  }

  @Test
  void positiveDurationsNameTheFieldWhenRefused() {
    assertThat(Durations.parsePositive("90m", "hooks.timeout")).isEqualTo(Duration.ofMinutes(90));
    assertThatThrownBy(() -> Durations.parsePositive("0s", "hooks.timeout"))
        .hasMessage("hooks.timeout: must be positive, got '0s'");
    assertThatThrownBy(() -> Durations.parsePositive("soon", "hooks.timeout"))
        .hasMessage("hooks.timeout: 'soon' is not a duration, expected one such as " + Durations.FORMS);
    assertThatThrownBy(() -> Durations.parsePositive(" ", "hooks.timeout"))
        .hasMessage("hooks.timeout: missing, expected a duration such as " + Durations.FORMS);
  }
}
