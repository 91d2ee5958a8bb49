package io.lockwatch.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.core.detect.PauseDiagnosis.Cause;
import io.lockwatch.core.detect.PauseDiagnosis.Pause;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PauseDiagnosisTest {
  private static final Instant T = Instant.parse("2026-11-23T03:12:00Z");
  private final PauseDiagnosis diagnosis = new PauseDiagnosis();

  @Test
  void shouldBlameTheProcessWhenOneHolderOfTheNodeWentQuiet() {
    Pause pause = diagnosis.diagnose("node-7", "a.conf", T, T.plusSeconds(9), 9_050);

    assertThat(pause).isEqualTo(new Pause(9_000, 9_050, Cause.PROCESS_PAUSE, Optional.empty()));
  }

  @Test
  void shouldBlameTheNodeWhenAnotherLockOfItPausedAndCameBackTogether() {
    diagnosis.diagnose("node-7", "a.conf", T, T.plusSeconds(9), 9_000);
    diagnosis.diagnose("node-8", "c.conf", T, T.plusSeconds(9), 9_000);

    Pause second =
        diagnosis.diagnose("node-7", "b.conf", T.plusMillis(700), T.plusMillis(9_400), 8_700);

    assertThat(second.cause()).isEqualTo(Cause.NODE_PAUSE);
    assertThat(second.together()).contains("a.conf");
  }

  @Test
  void shouldNotJoinPausesWhenTheyCameBackAtDifferentTimes() {
    diagnosis.diagnose("node-7", "a.conf", T, T.plusSeconds(9), 9_000);

    Pause later =
        diagnosis.diagnose("node-7", "b.conf", T.plusSeconds(30), T.plusSeconds(40), 10_000);

    assertThat(later.cause()).isEqualTo(Cause.PROCESS_PAUSE);
  }

  @Test
  void shouldBlameTheClockWhenTheHoldersOwnGapDisagreesWithWhatWasObserved() {
    // Observed 9 s of silence, but the holder's occurredAt moved 70 s: its clock jumped ahead.
    Pause jumped = diagnosis.diagnose("node-7", "a.conf", T, T.plusSeconds(9), 70_000);
    // Within tolerance (max(1 s, half the gap)): not a jump.
    Pause steady = diagnosis.diagnose("node-9", "x.conf", T, T.plusSeconds(9), 12_000);

    assertThat(jumped.cause()).isEqualTo(Cause.CLOCK_JUMP);
    assertThat(steady.cause()).isEqualTo(Cause.PROCESS_PAUSE);
  }
}
