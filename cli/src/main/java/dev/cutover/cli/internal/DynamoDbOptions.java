package dev.cutover.cli.internal;

import java.net.URI;
import java.net.URISyntaxException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Where DynamoDB is: the region and, for DynamoDB Local or a VPC endpoint, the endpoint. Credentials
 * come from the AWS SDK's default chain (environment, system properties, profile, instance role).
 */
public final class DynamoDbOptions {
    @Option(
            names = "--region",
            paramLabel = "REGION",
            description = "AWS region of the DynamoDB tables; default: the SDK's chain (AWS_REGION, profile).")
    @Nullable
    String region;

    @Option(
            names = "--endpoint-override",
            paramLabel = "URL",
            description = "DynamoDB endpoint, for DynamoDB Local or a VPC endpoint (http://localhost:8000).")
    @Nullable
    String endpoint;

    /** A client for these options; bad values are usage errors naming them. */
    DynamoDbClient client(CommandSpec spec) {
        DynamoDbClientBuilder b = DynamoDbClient.builder();
        if (region != null) {
            if (region.isBlank() || !region.matches("[a-z0-9-]+")) {
                throw new ParameterException(
                        spec.commandLine(),
                        "Invalid value for option '--region': expected a region such as eu-west-1 but was '" + region
                                + "'");
            }
            b.region(Region.of(region));
        } else {
            try {
                b.region(new DefaultAwsRegionProviderChain().getRegion());
            } catch (SdkClientException e) {
                throw new ParameterException(
                        spec.commandLine(), "No AWS region: give --region, or set AWS_REGION, for the DynamoDB tables");
            }
        }
        if (endpoint != null) {
            b.endpointOverride(endpoint(spec, endpoint));
        }
        return b.build();
    }

    private static URI endpoint(CommandSpec spec, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() != null
                    && (uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ParameterException(
                spec.commandLine(),
                "Invalid value for option '--endpoint-override': expected an"
                        + " http:// or https:// URL such as http://localhost:8000 but was '" + value + "'");
    }
}
