package dev.cutover.replication.dynamodb.internal;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/** Table creation and the checks shared by the segmented readers. */
public final class Tables {
  private Tables() {}

  /**
   * Creates {@code table} with a string partition key {@code partitionKey}, on-demand, with a
   * stream of new and old images when {@code stream}, unless it exists; waits until it is active.
   */
  public static void createIfMissing(DynamoDbClient dynamoDb, String table, String partitionKey, boolean stream) {
    try {
      dynamoDb.createTable(r -> {
        r.tableName(table)
            .keySchema(KeySchemaElement.builder().attributeName(partitionKey).keyType(KeyType.HASH).build())
            .attributeDefinitions(AttributeDefinition.builder().attributeName(partitionKey)
                .attributeType(ScalarAttributeType.S).build())
            .billingMode(BillingMode.PAY_PER_REQUEST);
        if (stream) {
          r.streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES));
        }
      });
    } catch (ResourceInUseException e) {
      // exists already
    }
    dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(table));
  }

  /** Checks the arguments of a segment read, naming a bad one. */
  public static void checkPage(int segment, int segments, int limit) {
    if (segment < 0 || segment >= segments) {
      throw new IllegalArgumentException("segment must be 0 to " + (segments - 1) + " but was " + segment);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
    }
  }

  /**
   * Runs a scan that resumes from {@code token}; a scan DynamoDB refuses as invalid because of the
   * token's start key becomes an {@code IllegalArgumentException} naming the token.
   */
  public static ScanResponse scan(Supplier<ScanResponse> scan, @Nullable String token, String source) {
    try {
      return scan.get();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (token != null && cause instanceof AwsServiceException aws && aws.statusCode() == 400
          && aws.awsErrorDetails() != null && "ValidationException".equals(aws.awsErrorDetails().errorCode())) {
        throw new IllegalArgumentException(source + " did not issue token '" + token + "': " + aws.getMessage(), e);
      }
      throw e;
    }
  }
}
