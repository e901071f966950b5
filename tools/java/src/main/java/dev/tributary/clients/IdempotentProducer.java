package dev.tributary.clients;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends --count records with enable.idempotence=true (acks=all unless overridden) and prints one
 * JSON line per acknowledged record, then a summary. Record i has key "{key-prefix}{i}" and a
 * value of --value-size bytes derived from i (see {@link #value}), so a consumer can check what
 * it reads without being told what was sent.
 */
public final class IdempotentProducer {
  static final String USAGE =
      "usage: IdempotentProducer --bootstrap HOST:PORT --topic T [--count N=1000] [--value-size B=100]"
          + " [--key-prefix key-] [--partition P] [--acks all] [--compression none] [--linger-ms 5]"
          + " [--quiet] [--property k=v]...";

  private IdempotentProducer() {}

  /** Deterministic value for record i: "value-{i}|" repeated and cut to size bytes. */
  static byte[] value(long i, int size) {
    byte[] unit = ("value-" + i + "|").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[size];
    for (int j = 0; j < size; j++) out[j] = unit[j % unit.length];
    return out;
  }

  public static void main(String[] argv) {
    Args.run(USAGE, () -> run(Args.parse(argv, "quiet")));
  }

  private static int run(Args a) throws Exception {
    String topic = a.required("topic");
    long count = a.num("count", 1000);
    int valueSize = (int) a.num("value-size", 100);
    String keyPrefix = a.str("key-prefix", "key-");
    long partitionFlag = a.num("partition", -1);
    Integer partition = partitionFlag < 0 ? null : (int) partitionFlag;
    boolean quiet = a.bool("quiet");

    Properties p = new Properties();
    p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, a.required("bootstrap"));
    p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.setProperty(ProducerConfig.ACKS_CONFIG, a.str("acks", "all"));
    p.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, a.str("compression", "none"));
    p.setProperty(ProducerConfig.LINGER_MS_CONFIG, a.str("linger-ms", "5"));
    p.setProperty(ProducerConfig.CLIENT_ID_CONFIG, "tributary-idempotent-producer");
    p.putAll(a.props("property"));

    AtomicLong acked = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long i = 0; i < count; i++) {
        String key = keyPrefix + i;
        byte[] value = value(i, valueSize);
        ProducerRecord<byte[], byte[]> record =
            new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value);
        producer.send(
            record,
            (md, e) -> {
              if (e != null) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, e);
                return;
              }
              acked.incrementAndGet();
              if (!quiet) {
                Json.obj()
                    .put("type", "record")
                    .put("partition", md.partition())
                    .put("offset", md.offset())
                    .put("key", key)
                    .put("valueSha256", Json.sha256Hex(value))
                    .println();
              }
            });
      }
      producer.flush();
    }
    Exception err = firstError.get();
    Json.obj()
        .put("type", "summary")
        .put("topic", topic)
        .put("sent", count)
        .put("acked", acked.get())
        .put("errors", errors.get())
        .put("firstError", err == null ? null : err.getClass().getSimpleName() + ": " + err.getMessage())
        .put("elapsedMs", (System.nanoTime() - start) / 1_000_000)
        .println();
    if (err != null) System.err.println("send failed: " + err);
    return errors.get() == 0 && acked.get() == count ? 0 : 1;
  }
}
