/**
 * The engine of the Lambda handler for DynamoDB Streams: the Lambda event model to the AWS SDK's,
 * records to changes, the ordered apply that finds the first failed record, and the refusal of
 * records that cannot become a change. Needs the Lambda libraries; not an API: anything here may
 * change in any release.
 */
@NullMarked
package dev.cutover.replication.dynamodb.internal.lambda;

import org.jspecify.annotations.NullMarked;
