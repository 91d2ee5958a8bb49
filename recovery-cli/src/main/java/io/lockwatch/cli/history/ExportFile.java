package io.lockwatch.cli.history;

import io.lockwatch.events.Alert;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.ReclaimCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * A window of lock history in an Avro container file: the schemas travel in the file's header, so
 * it can be read long after Kafka's retention dropped the records, by a later Lockwatch whose
 * schemas have moved on (Avro resolves the file's schema against the current one).
 *
 * <p>Each record is an {@code ExportedRecord}: where it was read (topic, partition, offset), its
 * time, and the record itself as a union of the four history types.
 */
public final class ExportFile {
  public static final String SCHEMA_NAME = "io.lockwatch.export.ExportedRecord";

  /** Header key saying the app's judgement settings were recorded (they may all be defaults). */
  public static final String SETTINGS_RECORDED = "lockwatch.settings";

  /** Header key prefix of each recorded judgement setting. */
  public static final String SETTING_PREFIX = "lockwatch.setting.";

  public static final Schema SCHEMA = schema();

  private ExportFile() {}

  private static Schema schema() {
    Schema union =
        Schema.createUnion(
            List.of(
                LockEvent.getClassSchema(),
                OperatorAction.getClassSchema(),
                Alert.getClassSchema(),
                ReclaimCommand.getClassSchema()));
    return Schema.createRecord(
        SCHEMA_NAME,
        "One record of Lockwatch's history, exported from Kafka with where it was read.",
        null,
        false,
        List.of(
            new Schema.Field(
                "timestampMs",
                Schema.create(Schema.Type.LONG),
                "The Kafka record's timestamp, epoch milliseconds."),
            new Schema.Field("topic", Schema.create(Schema.Type.STRING), "The topic read."),
            new Schema.Field("partition", Schema.create(Schema.Type.INT), "Its partition."),
            new Schema.Field("offset", Schema.create(Schema.Type.LONG), "The record's offset."),
            new Schema.Field("record", union, "The record.")));
  }

  /** Writes entries to a new file, with {@code metadata} in its header; returns a sink. */
  public static Writer create(Path file, Map<String, String> metadata) throws IOException {
    DataFileWriter<GenericRecord> writer =
        new DataFileWriter<>(new SpecificDatumWriter<GenericRecord>(SCHEMA));
    writer.setCodec(CodecFactory.deflateCodec(6));
    metadata.forEach(writer::setMeta);
    writer.create(SCHEMA, Files.newOutputStream(file));
    return new Writer(writer);
  }

  /** Appends entries; {@link #close()} finishes the file. */
  public static final class Writer implements Consumer<Entry>, AutoCloseable {
    private final DataFileWriter<GenericRecord> writer;
    private long written;

    private Writer(DataFileWriter<GenericRecord> writer) {
      this.writer = writer;
    }

    @Override
    public void accept(Entry entry) {
      GenericData.Record record = new GenericData.Record(SCHEMA);
      record.put("timestampMs", entry.time().toEpochMilli());
      record.put("topic", entry.topic());
      record.put("partition", entry.partition());
      record.put("offset", entry.offset());
      record.put("record", entry.value());
      try {
        writer.append(record);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      written++;
    }

    public long written() {
      return written;
    }

    @Override
    public void close() throws IOException {
      writer.close();
    }
  }

  /** A history read from an exported file. */
  public static History history(Path file) {
    return (from, to, selection, sink) -> {
      long read = 0;
      long handed = 0;
      try (DataFileReader<GenericRecord> reader = open(file)) {
        for (GenericRecord record : reader) {
          read++;
          if (record.get("record") instanceof io.lockwatch.events.LockEvent event
              && io.lockwatch.core.clock.Tick.isTick(event)) {
            continue;
          }
          Instant time = Instant.ofEpochMilli((Long) record.get("timestampMs"));
          Entry entry =
              Entry.of(
                  time,
                  record.get("topic").toString(),
                  (Integer) record.get("partition"),
                  (Long) record.get("offset"),
                  (SpecificRecord) record.get("record"));
          if ((from == null || !time.isBefore(from))
              && (to == null || time.isBefore(to))
              && selection.lockMatches(entry.lockId())) {
            handed++;
            sink.accept(entry);
          }
        }
      }
      return new History.ReadSummary(read, handed, 0, java.util.List.of(), 0);
    };
  }

  /** The file's header metadata written by {@code lockwatch export}. */
  public static Map<String, String> metadata(Path file) throws IOException {
    try (DataFileReader<GenericRecord> reader = open(file)) {
      Map<String, String> metadata = new java.util.TreeMap<>();
      for (String key : reader.getMetaKeys()) {
        if (key.startsWith("lockwatch.")) {
          metadata.put(key, reader.getMetaString(key));
        }
      }
      return metadata;
    }
  }

  private static DataFileReader<GenericRecord> open(Path file) throws IOException {
    try {
      return new DataFileReader<>(
          file.toFile(), new SpecificDatumReader<GenericRecord>(null, SCHEMA));
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new NoSuchFileException(file.toString());
    } catch (IOException | AvroRuntimeException e) {
      throw new IOException(
          file + " is not a Lockwatch export (an Avro container file): " + e.getMessage(), e);
    }
  }
}
