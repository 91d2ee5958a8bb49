package io.lockwatch.schemas.contract;

import io.lockwatch.events.Alert;
import io.lockwatch.events.Incident;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockState;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.ReclaimCommand;
import java.util.List;
import org.apache.avro.Schema;

/** The top-level records of the event contract, one per topic, as this build generates them. */
public final class ContractSchemas {
  private ContractSchemas() {}

  /** The current schema of every top-level record. */
  public static List<Schema> current() {
    return List.of(
        LockEvent.getClassSchema(),
        LockState.getClassSchema(),
        Alert.getClassSchema(),
        ReclaimCommand.getClassSchema(),
        OperatorAction.getClassSchema(),
        Incident.getClassSchema());
  }
}
