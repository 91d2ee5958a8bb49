module example.com/lockwatch-producer

go 1.22

require (
	github.com/confluentinc/confluent-kafka-go/v2 v2.12.0
	github.com/google/uuid v1.6.0
)
