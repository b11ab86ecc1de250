package dev.cutover.dualwrite.e2e;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** DynamoDB Local, in-process, started once per test JVM and shut down with it. */
final class LocalDynamoDb {
  private static AmazonDynamoDBLocal local;

  private LocalDynamoDb() {}

  static synchronized DynamoDbClient client() {
    if (local == null) {
      local = DynamoDBEmbedded.create(true);
      AmazonDynamoDBLocal started = local;
      Runtime.getRuntime().addShutdownHook(new Thread(started::shutdown, "dynamodb-local-shutdown"));
    }
    return local.dynamoDbClient();
  }
}
