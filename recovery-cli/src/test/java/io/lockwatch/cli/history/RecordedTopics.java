package io.lockwatch.cli.history;

import io.lockwatch.schemas.topics.TopicCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Topics for a history recorded at other times than now. A broker stamps Lockwatch's inputs when
 * they arrive (LogAppendTime); a story told at yesterday's times cannot be appended yesterday, so
 * these topics keep the timestamps the recording gives its records: the times a broker would have
 * stamped.
 */
public final class RecordedTopics {
  private RecordedTopics() {}

  public static void create(Admin admin, TopicCatalog catalog, int partitions) throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    for (NewTopic topic : catalog.newTopics(partitions, Optional.empty())) {
      Map<String, String> configs = new HashMap<>(topic.configs());
      configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
      topics.add(
          new NewTopic(topic.name(), Optional.of(topic.numPartitions()), Optional.empty())
              .configs(configs));
    }
    admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
  }
}
