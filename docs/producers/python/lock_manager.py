#!/usr/bin/env python3
"""Publishing lock events to Lockwatch from Python, with Confluent's own client and serializer.

    python3 lock_manager.py incident --bootstrap HOST:PORT --registry URL --lock ID --token N
    python3 lock_manager.py consume  --bootstrap HOST:PORT --registry URL --topics T1,T2,...

`incident` acquires a lock, heartbeats a few times and stops without releasing it (a holder that
crashed); `consume` decodes Lockwatch's topics from the beginning and prints one JSON line per
record. Needs confluent-kafka (Debian: python3-confluent-kafka) and fastavro.
"""
import argparse
import datetime
import json
import sys
import time
import uuid

from confluent_kafka import DeserializingConsumer, KafkaException, SerializingProducer, TopicPartition
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import StringDeserializer, StringSerializer


def lock_event_producer(bootstrap, registry_url, topic):
    """A producer of LockEvent records under the contract Lockwatch registered."""
    registry = SchemaRegistryClient({"url": registry_url})
    # The contract as registered (Lockwatch registers it when it starts): never a copy that drifts.
    schema = registry.get_latest_version(topic + "-value").schema
    value_serializer = AvroSerializer(
        registry, schema.schema_str, conf={"auto.register.schemas": False})
    return SerializingProducer({
        "bootstrap.servers": bootstrap,
        # Lockwatch reads a lock's events from the partition its key hashes to with Kafka's Java
        # partitioner (murmur2 of the UTF-8 lock id). librdkafka's default is CRC32: events would
        # land on the wrong partition and be dead-lettered as MISPARTITIONED.
        "partitioner": "murmur2_random",
        # Never lose, duplicate or reorder a lock's events.
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 5,
        "key.serializer": StringSerializer("utf_8"),
        "value.serializer": value_serializer,
    })


class LockEvents:
    """Publishes one holder's lock events, keeping the per-holding sequence the contract asks for."""

    def __init__(self, producer, topic, holder):
        self._producer = producer
        self._topic = topic
        self._holder = holder
        self._sequences = {}
        self.failures = []

    def acquired(self, lock_id, token, heartbeat_interval_ms):
        self._sequences[(lock_id, token)] = 0
        self._send(lock_id, "ACQUIRED", token, 0, heartbeat_interval_ms=heartbeat_interval_ms)

    def heartbeat(self, lock_id, token):
        sequence = self._next(lock_id, token)
        self._send(lock_id, "HEARTBEAT", token, sequence)

    def released(self, lock_id, token, reason=None):
        sequence = self._next(lock_id, token)
        del self._sequences[(lock_id, token)]
        self._send(lock_id, "RELEASED", token, sequence, reason=reason)

    def flush(self, timeout=30):
        if self._producer.flush(timeout) > 0:
            raise KafkaException("lock events still unacknowledged after %s s" % timeout)

    def _next(self, lock_id, token):
        self._sequences[(lock_id, token)] += 1
        return self._sequences[(lock_id, token)]

    def _send(self, lock_id, event_type, token, sequence, heartbeat_interval_ms=None, reason=None):
        event = {
            "eventId": str(uuid.uuid4()),
            "lockId": lock_id,
            "type": event_type,
            "fencingToken": token,
            "holder": self._holder,
            "occurredAt": datetime.datetime.now(datetime.timezone.utc),
            "sequence": sequence,
            "heartbeatIntervalMs": heartbeat_interval_ms,
            "reason": reason,
            "commandId": None,
            "actor": None,
            "attributes": {},
        }
        # The key is the lock id: one lock's events stay in order on one partition. No timestamp
        # is set: Lockwatch's topics use the broker's append time.
        self._producer.produce(self._topic, key=lock_id, value=event, on_delivery=self._delivered)
        self._producer.poll(0)

    def _delivered(self, error, message):
        if error is not None:
            # A heartbeat that fails after the producer's own retries: the lock manager must treat
            # the holding as at risk (Lockwatch may judge it stale) and stop writing under it.
            self.failures.append(str(error))


def incident(args):
    producer = lock_event_producer(args.bootstrap, args.registry, args.topic)
    holder = {"nodeId": args.node, "host": args.node + ".fleet", "pid": 4242,
              "incarnation": args.node + "-" + uuid.uuid4().hex[:8]}
    events = LockEvents(producer, args.topic, holder)
    events.acquired(args.lock, args.token, args.interval_ms)
    for _ in range(args.beats):
        time.sleep(args.interval_ms / 1000.0)
        events.heartbeat(args.lock, args.token)
    events.flush()
    if events.failures:
        print("delivery failed: %s" % events.failures, file=sys.stderr)
        return 1
    print("published ACQUIRED and %d heartbeats of %s (token %d); the holder is gone"
          % (args.beats, args.lock, args.token))
    return 0


def consume(args):
    registry = SchemaRegistryClient({"url": args.registry})
    consumer = DeserializingConsumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": "lockwatch-python-reader-" + uuid.uuid4().hex[:8],
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        # Lockwatch writes its outputs in transactions: read only committed ones.
        "isolation.level": "read_committed",
        "key.deserializer": StringDeserializer("utf_8"),
        # The writer's schema comes from the registry by the id in each record.
        "value.deserializer": AvroDeserializer(registry),
    })
    partitions = []
    for topic in args.topics.split(","):
        metadata = consumer.list_topics(topic, timeout=30).topics[topic]
        if metadata.error is not None:
            raise KafkaException(metadata.error)
        partitions += [TopicPartition(topic, p, 0) for p in metadata.partitions]
    consumer.assign(partitions)
    ends = {(tp.topic, tp.partition): consumer.get_watermark_offsets(tp, timeout=30)[1]
            for tp in partitions}
    positions = {key: 0 for key in ends}
    deadline = time.time() + args.timeout
    while any(positions[key] < ends[key] for key in ends) and time.time() < deadline:
        message = consumer.poll(1.0)
        if message is None:
            # Transaction markers take offsets too: ask where the consumer really is.
            for tp in consumer.position(partitions):
                if tp.offset >= 0:
                    positions[(tp.topic, tp.partition)] = tp.offset
            continue
        if message.error() is not None:
            raise KafkaException(message.error())
        positions[(message.topic(), message.partition())] = message.offset() + 1
        value = message.value()
        if isinstance(value, dict) and value.get("type") == "TICK":
            # Lockwatch's own clock records on the lock events (empty key): not lock activity.
            continue
        print(json.dumps({"topic": message.topic(), "key": message.key(),
                          "value": message.value()}, default=str, sort_keys=True))
    consumer.close()
    return 0


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("incident", "consume"):
        command = commands.add_parser(name)
        command.add_argument("--bootstrap", required=True)
        command.add_argument("--registry", required=True)
    publish = commands.choices["incident"]
    publish.add_argument("--topic", default="lock-events")
    publish.add_argument("--lock", required=True)
    publish.add_argument("--token", type=int, required=True)
    publish.add_argument("--node", default="node-7")
    publish.add_argument("--interval-ms", type=int, default=500)
    publish.add_argument("--beats", type=int, default=3)
    read = commands.choices["consume"]
    read.add_argument("--topics", required=True)
    read.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args(argv)
    return incident(args) if args.command == "incident" else consume(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
