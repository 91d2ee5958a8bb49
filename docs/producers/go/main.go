// Publishing lock events to Lockwatch from Go, with confluent-kafka-go v2 and its Avro serde.
//
//	go run . -bootstrap localhost:19092 -registry http://localhost:8081 -lock aim_lock_config.conf -token 41
//
// Acquires the lock, heartbeats every interval until interrupted, then releases it.
// Not built by the project's tests (no Go toolchain or module proxy on its CI machine); the Python
// example next to it is run for real. Module: see go.mod.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avro"
	"github.com/google/uuid"
)

// HolderIdentity and LockEvent mirror the contract (schemas/src/main/avro); field names are the
// Avro names, which the generic serde matches.
type HolderIdentity struct {
	NodeID      string `avro:"nodeId"`
	Host        string `avro:"host"`
	Pid         int64  `avro:"pid"`
	Incarnation string `avro:"incarnation"`
}

type LockEvent struct {
	EventID             string            `avro:"eventId"`
	LockID              string            `avro:"lockId"`
	Type                string            `avro:"type"`
	FencingToken        int64             `avro:"fencingToken"`
	Holder              HolderIdentity    `avro:"holder"`
	OccurredAt          time.Time         `avro:"occurredAt"`
	Sequence            int64             `avro:"sequence"`
	HeartbeatIntervalMs *int64            `avro:"heartbeatIntervalMs"`
	Reason              *string           `avro:"reason"`
	CommandID           *string           `avro:"commandId"`
	Actor               *string           `avro:"actor"`
	Attributes          map[string]string `avro:"attributes"`
}

func main() {
	bootstrap := flag.String("bootstrap", "localhost:19092", "Kafka bootstrap servers")
	registryURL := flag.String("registry", "http://localhost:8081", "schema registry URL")
	topic := flag.String("topic", "lock-events", "Lockwatch's lock-events topic")
	lockID := flag.String("lock", "", "lock id")
	token := flag.Int64("token", 0, "fencing token from the lock manager")
	interval := flag.Duration("interval", 10*time.Second, "heartbeat interval")
	flag.Parse()
	if *lockID == "" || *token <= 0 {
		fmt.Fprintln(os.Stderr, "give -lock and a positive -token")
		os.Exit(2)
	}

	producer, err := kafka.NewProducer(&kafka.ConfigMap{
		"bootstrap.servers": *bootstrap,
		// Lockwatch expects Kafka's Java partitioning (murmur2 of the UTF-8 key); librdkafka's
		// default (CRC32) would put events on partitions Lockwatch dead-letters as MISPARTITIONED.
		"partitioner":        "murmur2_random",
		"enable.idempotence": true,
		"acks":               "all",
		"linger.ms":          5,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer producer.Close()

	registry, err := schemaregistry.NewClient(schemaregistry.NewConfig(*registryURL))
	if err != nil {
		log.Fatal(err)
	}
	config := avro.NewSerializerConfig()
	// Use the contract Lockwatch registered, never register one from here.
	config.AutoRegisterSchemas = false
	config.UseLatestVersion = true
	serializer, err := avro.NewGenericSerializer(registry, serde.ValueSerde, config)
	if err != nil {
		log.Fatal(err)
	}

	holder := HolderIdentity{NodeID: hostname(), Host: hostname(), Pid: int64(os.Getpid()), Incarnation: uuid.NewString()}
	var sequence int64
	publish := func(eventType string, intervalMs *int64, reason *string) error {
		event := LockEvent{
			EventID: uuid.NewString(), LockID: *lockID, Type: eventType, FencingToken: *token,
			Holder: holder, OccurredAt: time.Now(), Sequence: sequence,
			HeartbeatIntervalMs: intervalMs, Reason: reason, Attributes: map[string]string{},
		}
		value, err := serializer.Serialize(*topic, &event)
		if err != nil {
			return err
		}
		delivered := make(chan kafka.Event, 1)
		// The key is the lock id; no timestamp: Lockwatch's topics use the broker's append time.
		err = producer.Produce(&kafka.Message{
			TopicPartition: kafka.TopicPartition{Topic: topic, Partition: kafka.PartitionAny},
			Key:            []byte(*lockID),
			Value:          value,
		}, delivered)
		if err != nil {
			return err
		}
		report := (<-delivered).(*kafka.Message)
		sequence++
		return report.TopicPartition.Error
	}

	ms := interval.Milliseconds()
	if err := publish("ACQUIRED", &ms, nil); err != nil {
		log.Fatal(err)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	ticker := time.NewTicker(*interval)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			if err := publish("HEARTBEAT", nil, nil); err != nil {
				// After the producer's own retries: the holding is at risk. Stop writing under the
				// token and let the lock manager decide; Lockwatch will judge the lock stale.
				log.Fatalf("heartbeat of %s failed: %v", *lockID, err)
			}
		case <-stop:
			reason := "shutdown"
			if err := publish("RELEASED", nil, &reason); err != nil {
				log.Fatal(err)
			}
			return
		}
	}
}

func hostname() string {
	name, err := os.Hostname()
	if err != nil {
		return "unknown"
	}
	return name
}
