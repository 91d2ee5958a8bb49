package io.lockwatch.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.LockEvent;
import io.lockwatch.schemas.Fixtures;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real registry (Apicurio's Confluent-compatible API). */
@IntegrationTest
class RegistryClientIntegrationTest {

  private RegistryClient client;
  private String registryUrl;
  private String subject;

  @BeforeEach
  void setUp(DevStack stack) {
    registryUrl = stack.registryUrl();
    client = RegistryClient.fromConfig(Map.of("schema.registry.url", registryUrl));
    subject = "it-" + UUID.randomUUID() + "-value";
  }

  @Test
  void shouldRegisterLookUpAndFetchWhenTheSchemaIsNew() {
    Schema schema = LockEvent.getClassSchema();

    int id = client.register(subject, schema);

    assertThat(client.register(subject, schema)).isEqualTo(id);
    assertThat(client.lookup(subject, schema).id()).isEqualTo(id);
    RegisteredSchema latest = client.latest(subject);
    assertThat(latest.id()).isEqualTo(id);
    assertThat(latest.version()).isEqualTo(1);
    assertThat(latest.schema()).isEqualTo(schema);
    RegistryClient fresh = RegistryClient.fromConfig(Map.of("schema.registry.url", registryUrl));
    assertThat(fresh.schemaById(id)).isEqualTo(schema);
    assertThat(client.subjects()).contains(subject);
  }

  @Test
  void shouldAcceptAnEarlierVersionThenTheContractWhenCompatibilityIsBackward() {
    Schema early = Fixtures.testSchema("/older-producers/LockEvent-early.avsc");
    int earlyId = client.register(subject, early);

    assertThat(client.testCompatibility(subject, LockEvent.getClassSchema()).compatible()).isTrue();
    int currentId = client.register(subject, LockEvent.getClassSchema());

    assertThat(currentId).isNotEqualTo(earlyId);
    assertThat(client.latest(subject).version()).isEqualTo(2);
    assertThat(client.compatibility(subject)).isEqualTo(CompatibilityLevel.BACKWARD);
  }

  @Test
  void shouldRefuseWithErrorCode409WhenTheChangeIsIncompatible() {
    client.register(subject, LockEvent.getClassSchema());
    Schema incompatible = Fixtures.lockEventWithStringToken();

    assertThat(client.testCompatibility(subject, incompatible).compatible()).isFalse();
    assertThatThrownBy(() -> client.register(subject, incompatible))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(RegistryException.INCOMPATIBLE_SCHEMA));
  }

  @Test
  void shouldAllowTheChangeWhenTheSubjectIsSetToNone() {
    client.register(subject, LockEvent.getClassSchema());
    Schema incompatible = Fixtures.lockEventWithStringToken();

    client.setCompatibility(subject, CompatibilityLevel.NONE);

    assertThat(client.compatibility(subject)).isEqualTo(CompatibilityLevel.NONE);
    assertThat(client.register(subject, incompatible)).isPositive();
  }

  @Test
  void shouldAnswerNotFoundCodesWhenTheSubjectOrIdIsUnknown() {
    assertThatThrownBy(() -> client.latest("no-such-subject-" + UUID.randomUUID()))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(RegistryException.SUBJECT_NOT_FOUND));
    assertThatThrownBy(() -> client.schemaById(987_654))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(RegistryException.SCHEMA_NOT_FOUND));
    client.register(subject, LockEvent.getClassSchema());
    assertThatThrownBy(
            () ->
                client.lookup(
                    subject, Fixtures.testSchema("/older-producers/LockEvent-early.avsc")))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isNotFound()).isTrue());
  }
}
