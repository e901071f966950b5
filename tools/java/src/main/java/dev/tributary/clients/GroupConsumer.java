package dev.tributary.clients;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Joins consumer group --group, subscribes to --topic and consumes until it has seen
 * --max-records records or --timeout-ms has passed, committing offsets synchronously after each
 * poll, or until the file --stop-file names exists (checked after every poll). Prints one JSON
 * line per record and a summary with the committed offsets. Exits 2 when --max-records was
 * given but not reached in time (unless --allow-partial).
 */
public final class GroupConsumer {
  static final String USAGE =
      "usage: GroupConsumer --bootstrap HOST:PORT --topic T --group G [--max-records N]"
          + " [--timeout-ms 30000] [--auto-offset-reset earliest|latest|none]"
          + " [--value-format sha256|utf8|base64|none] [--group-protocol classic|consumer]"
          + " [--stop-file PATH] [--allow-partial] [--quiet] [--property k=v]...";

  private GroupConsumer() {}

  public static void main(String[] argv) {
    Args.run(USAGE, () -> run(Args.parse(argv, "allow-partial", "quiet")));
  }

  private static int run(Args a) {
    String topic = a.required("topic");
    long maxRecords = a.num("max-records", Long.MAX_VALUE);
    long timeoutMs = a.num("timeout-ms", 30_000);
    String valueFormat = a.str("value-format", "sha256");
    if (!List.of("sha256", "utf8", "base64", "none").contains(valueFormat)) {
      throw new Args.UsageException("unknown --value-format " + valueFormat);
    }
    boolean quiet = a.bool("quiet");
    String stopFile = a.str("stop-file", null);

    Properties p = new Properties();
    p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, a.required("bootstrap"));
    p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, a.required("group"));
    p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, a.str("auto-offset-reset", "earliest"));
    p.setProperty(ConsumerConfig.GROUP_PROTOCOL_CONFIG, a.str("group-protocol", "classic"));
    p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-group-consumer");
    p.putAll(a.props("property"));

    long seen = 0;
    long start = System.nanoTime();
    long deadline = start + timeoutMs * 1_000_000;
    Map<Integer, Long> perPartition = new TreeMap<>();
    Map<String, Long> committed = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (seen < maxRecords) {
        long leftMs = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMs <= 0) break;
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(Math.min(leftMs, 500)));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          // Records past --max-records are still committed by this poll; say so by not hiding them.
          seen++;
          perPartition.merge(r.partition(), 1L, Long::sum);
          if (!quiet) {
            Json line =
                Json.obj()
                    .put("type", "record")
                    .put("partition", r.partition())
                    .put("offset", r.offset())
                    .put("key", Json.utf8(r.key()))
                    .put("timestamp", r.timestamp());
            byte[] v = r.value();
            switch (valueFormat) {
              case "sha256" -> line.put("valueSha256", v == null ? null : Json.sha256Hex(v));
              case "utf8" -> line.put("value", Json.utf8(v));
              case "base64" -> line.put("valueBase64", v == null ? null : Base64.getEncoder().encodeToString(v));
              default -> {}
            }
            line.println();
          }
        }
        if (!records.isEmpty()) consumer.commitSync();
        if (stopFile != null && java.nio.file.Files.exists(java.nio.file.Path.of(stopFile))) break;
      }
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
          consumer.committed(consumer.assignment(), Duration.ofSeconds(10)).entrySet()) {
        if (e.getValue() != null) committed.put(String.valueOf(e.getKey().partition()), e.getValue().offset());
      }
    }
    boolean reached = maxRecords == Long.MAX_VALUE || seen >= maxRecords;
    Json.obj()
        .put("type", "summary")
        .put("topic", topic)
        .put("consumed", seen)
        .put("perPartition", perPartition)
        .put("committed", committed)
        .put("timedOut", seen < maxRecords)
        .put("elapsedMs", (System.nanoTime() - start) / 1_000_000)
        .println();
    if (!reached && !a.bool("allow-partial")) {
      System.err.println("timed out after " + timeoutMs + " ms with " + seen + " of " + maxRecords + " records");
      return 2;
    }
    return 0;
  }
}
