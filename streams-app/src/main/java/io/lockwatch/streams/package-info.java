/** The Kafka Streams watchdog (see issue: streams app). */
package io.lockwatch.streams;
