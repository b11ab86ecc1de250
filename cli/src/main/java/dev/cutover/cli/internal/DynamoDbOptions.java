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

    /** Checks the values before anything is opened; bad values are usage errors naming them. */
    void check(Settings settings) {
        Settings.Value r = settings.get("region", region);
        if (r != null && !r.value().matches("[a-z0-9-]{1,64}")) {
            throw r.invalid("expected a region such as eu-west-1");
        }
        Settings.Value e = settings.get("endpoint-override", endpoint);
        if (e != null) {
            endpoint(e);
        }
    }

    /** A client for these options; bad values are usage errors naming them. */
    DynamoDbClient client(CommandSpec spec, Settings settings) {
        check(settings);
        DynamoDbClientBuilder b = DynamoDbClient.builder();
        Settings.Value r = settings.get("region", region);
        if (r != null) {
            b.region(Region.of(r.value()));
        } else {
            try {
                b.region(new DefaultAwsRegionProviderChain().getRegion());
            } catch (SdkClientException e) {
                throw new ParameterException(
                        spec.commandLine(),
                        "No AWS region: give --region, or set CUTOVER_REGION or AWS_REGION, for the DynamoDB tables");
            }
        }
        Settings.Value e = settings.get("endpoint-override", endpoint);
        if (e != null) {
            b.endpointOverride(endpoint(e));
        }
        return b.build();
    }

    private static URI endpoint(Settings.Value value) {
        try {
            URI uri = new URI(value.value());
            if (uri.getScheme() != null
                    && (uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw value.invalid("expected an http:// or https:// URL such as http://localhost:8000");
    }
}
