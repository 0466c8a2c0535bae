package dev.fairway.config;

@Doc("AWS credentials the gateway signs Bedrock requests with (SigV4).")
public record AwsCredentials(
        @Required @Doc("Access key id.") Secret accessKeyId,
        @Required @Doc("Secret access key.") Secret secretAccessKey,
        @Doc("Session token for temporary credentials; optional.") Secret sessionToken)
        implements Validatable {

    @Override
    public void validate(Problems problems) {
        // Every rule is a component's constraint annotation, checked by Constraints.
    }
}
