package dev.cutover.replication.dynamodb;

import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** A streams client that forwards the calls a reader makes; tests override one to inject a fault. */
class ForwardingStreams implements DynamoDbStreamsClient {
  private final DynamoDbStreamsClient real;

  ForwardingStreams(DynamoDbStreamsClient real) {
    this.real = real;
  }

  @Override
  public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
    return real.describeStream(request);
  }

  @Override
  public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
    return real.getShardIterator(request);
  }

  @Override
  public GetRecordsResponse getRecords(GetRecordsRequest request) {
    return real.getRecords(request);
  }

  @Override
  public String serviceName() {
    return real.serviceName();
  }

  @Override
  public void close() {}
}
