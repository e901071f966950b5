package dev.tributary.clients;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * AdminClient operations, one per invocation, each printing one JSON line:
 * create-topic, describe-topic, list-topics, delete-topic, describe-configs, describe-cluster.
 */
public final class AdminOps {
  static final String USAGE =
      "usage: AdminOps --bootstrap HOST:PORT [--property k=v]... COMMAND\n"
          + "  create-topic NAME [NAME...] [--partitions 1] [--replication-factor 1] [--config k=v]... [--if-not-exists]\n"
          + "      (waits up to --ready-timeout-ms 30000 until every partition has a leader)\n"
          + "  describe-topic NAME\n"
          + "  list-topics [--internal]\n"
          + "  delete-topic NAME\n"
          + "  describe-configs NAME [--synonyms]\n"
          + "  describe-cluster";

  private AdminOps() {}

  public static void main(String[] argv) {
    Args.run(USAGE, () -> run(Args.parse(argv, "if-not-exists", "internal", "synonyms")));
  }

  private static int run(Args a) throws Exception {
    if (a.positional.isEmpty()) throw new Args.UsageException("missing COMMAND");
    String command = a.positional.get(0);
    Properties p = new Properties();
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, a.required("bootstrap"));
    p.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "tributary-admin-ops");
    p.putAll(a.props("property"));
    try (Admin admin = Admin.create(p)) {
      List<Json> out =
          switch (command) {
            case "create-topic" -> createTopics(admin, a, names(a));
            case "describe-topic" -> List.of(topic(describe(admin, name(a))));
            case "list-topics" -> List.of(listTopics(admin, a.bool("internal")));
            case "delete-topic" -> List.of(deleteTopic(admin, name(a)));
            case "describe-configs" -> List.of(describeConfigs(admin, name(a), a.bool("synonyms")));
            case "describe-cluster" -> List.of(describeCluster(admin));
            default -> throw new Args.UsageException("unknown command " + command);
          };
      out.forEach(Json::println);
    }
    return 0;
  }

  private static String name(Args a) {
    if (a.positional.size() < 2) throw new Args.UsageException(a.positional.get(0) + " needs a topic NAME");
    return a.positional.get(1);
  }

  private static List<String> names(Args a) {
    if (a.positional.size() < 2) throw new Args.UsageException(a.positional.get(0) + " needs a topic NAME");
    return a.positional.subList(1, a.positional.size());
  }

  /** Creates every named topic in one request; prints one line per topic, in argument order. */
  private static List<Json> createTopics(Admin admin, Args a, List<String> names) throws Exception {
    int partitions = (int) a.num("partitions", 1);
    short rf = (short) a.num("replication-factor", 1);
    Map<String, String> configs = new TreeMap<>();
    a.props("config").forEach((k, v) -> configs.put((String) k, (String) v));
    List<NewTopic> topics = new ArrayList<>();
    for (String name : names) {
      topics.add(new NewTopic(name, Optional.of(partitions), Optional.of(rf)).configs(configs));
    }
    Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
    List<Json> out = new ArrayList<>();
    for (String name : names) {
      boolean created = true;
      try {
        results.get(name).get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException) || !a.bool("if-not-exists")) throw e;
        created = false;
      }
      Json line = topic(awaitReady(admin, name, a.num("ready-timeout-ms", 30_000)));
      out.add(line.put("type", "create-topic").put("created", created));
    }
    return out;
  }

  /**
   * Describes a just-created topic once every partition has a leader. The controller answers
   * CreateTopics before the broker's metadata cache has the topic, so early describes can fail
   * with UnknownTopicOrPartition or show no leader yet.
   */
  private static TopicDescription awaitReady(Admin admin, String name, long timeoutMs) throws Exception {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    for (; ; ) {
      try {
        TopicDescription d = describe(admin, name);
        if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) return d;
        if (System.nanoTime() > deadline) return d;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) throw e;
      }
      Thread.sleep(100);
    }
  }

  private static TopicDescription describe(Admin admin, String name) throws Exception {
    return admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
  }

  private static Json topic(TopicDescription d) {
    List<Json> partitions = new ArrayList<>();
    for (TopicPartitionInfo pi : d.partitions()) {
      partitions.add(
          Json.obj()
              .put("partition", pi.partition())
              .put("leader", pi.leader() == null ? null : pi.leader().id())
              .put("replicas", ids(pi.replicas()))
              .put("isr", ids(pi.isr())));
    }
    return Json.obj()
        .put("type", "topic")
        .put("name", d.name())
        .put("topicId", d.topicId().toString())
        .put("internal", d.isInternal())
        .put("partitions", partitions);
  }

  private static List<Integer> ids(Collection<Node> nodes) {
    return nodes.stream().map(Node::id).toList();
  }

  private static Json listTopics(Admin admin, boolean internal) throws Exception {
    List<String> names =
        new ArrayList<>(admin.listTopics(new ListTopicsOptions().listInternal(internal)).names().get());
    names.sort(null);
    return Json.obj().put("type", "topics").put("topics", names);
  }

  private static Json deleteTopic(Admin admin, String name) throws Exception {
    admin.deleteTopics(List.of(name)).all().get();
    return Json.obj().put("type", "delete-topic").put("name", name).put("deleted", true);
  }

  private static Json describeConfigs(Admin admin, String name, boolean synonyms) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
    Config config =
        admin
            .describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(synonyms))
            .all()
            .get()
            .get(resource);
    Map<String, Json> entries = new TreeMap<>();
    for (ConfigEntry e : config.entries()) {
      Json entry =
          Json.obj()
              .put("value", e.value())
              .put("source", e.source().name())
              .put("isDefault", e.isDefault())
              .put("readOnly", e.isReadOnly())
              .put("sensitive", e.isSensitive());
      if (synonyms) {
        entry.put(
            "synonyms",
            e.synonyms().stream()
                .map(s -> Json.obj().put("name", s.name()).put("value", s.value()).put("source", s.source().name()))
                .toList());
      }
      entries.put(e.name(), entry);
    }
    return Json.obj().put("type", "configs").put("name", name).put("configs", entries);
  }

  private static Json describeCluster(Admin admin) throws Exception {
    DescribeClusterResult r = admin.describeCluster();
    Node controller = r.controller().get();
    List<Json> nodes = new ArrayList<>();
    for (Node n : r.nodes().get()) nodes.add(node(n));
    return Json.obj()
        .put("type", "cluster")
        .put("clusterId", r.clusterId().get())
        .put("controller", controller == null || controller.isEmpty() ? null : node(controller))
        .put("nodes", nodes);
  }

  private static Json node(Node n) {
    return Json.obj().put("id", n.id()).put("host", n.host()).put("port", n.port()).put("rack", n.rack());
  }
}
