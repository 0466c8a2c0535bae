package dev.fairway.config;

@Doc("AWS credentials the gateway signs Bedrock requests with (SigV4).")
public record AwsCredentials(
        @Doc("Access key id.") Secret accessKeyId,
        @Doc("Secret access key.") Secret secretAccessKey,
        @Doc("Session token for temporary credentials; optional.") Secret sessionToken)
        implements Validatable {

    @Override
    public void validate(Problems problems) {
        problems.require(accessKeyId != null, "access_key_id", "required");
        problems.require(secretAccessKey != null, "secret_access_key", "required");
    }
}
