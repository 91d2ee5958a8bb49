package io.lockwatch.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.junit.jupiter.api.Test;

class StreamThreadFailureTest {

  @Test
  void shouldReplaceTheThreadWhenKafkaFencedItAfterAPause() {
    // What a stream thread died of in the SIGSTOP runs: the commit after rejoining.
    assertThat(
            StreamThreadFailure.of(
                new StreamsException(
                    "commit failed",
                    new KafkaException(
                        new InvalidTxnStateException(
                            "The producer attempted a transactional"
                                + " operation in an invalid state")))))
        .isEqualTo(StreamThreadFailure.FENCED);
    assertThat(
            StreamThreadFailure.of(
                new TaskMigratedException("missed a rebalance", new ProducerFencedException("x"))))
        .isEqualTo(StreamThreadFailure.FENCED);
    assertThat(StreamThreadFailure.of(new StreamsException(new TimeoutException("metadata"))))
        .isEqualTo(StreamThreadFailure.FENCED);
  }

  @Test
  void shouldStopTheInstanceWhenTheFailureShowsABug() {
    assertThat(StreamThreadFailure.of(new StreamsException(new NullPointerException("state"))))
        .isEqualTo(StreamThreadFailure.BUG);
    assertThat(StreamThreadFailure.of(new IllegalStateException("rule")))
        .isEqualTo(StreamThreadFailure.BUG);
    assertThat(
            StreamThreadFailure.of(
                new StreamsException(new FencedInstanceIdException("another lockwatch-0"))))
        .as("two live instances with one static identity are a deployment error")
        .isEqualTo(StreamThreadFailure.BUG);
  }
}
