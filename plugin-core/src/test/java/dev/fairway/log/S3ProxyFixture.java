package dev.fairway.log;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.zip.GZIPInputStream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server in the test's own JVM (s3proxy over jclouds' in-memory blob store),
 * with SigV4 authentication on. It can be stopped and started again on the same port with the same
 * content, to play an outage.
 */
final class S3ProxyFixture implements AutoCloseable {
    static final String ACCESS_KEY = "AKIAFAIRWAYTEST00001";
    static final String SECRET_KEY = "s3-secret-key-must-never-be-logged-4711";

    private final BlobStoreContext context;
    private final BlobStore store;
    private final int port;
    private S3Proxy proxy;

    private final boolean ignoreUnknownHeaders;

    S3ProxyFixture() throws Exception {
        this(false);
    }

    /** @param ignoreUnknownHeaders accept headers s3proxy does not implement (Object Lock) instead of answering 501 */
    S3ProxyFixture(boolean ignoreUnknownHeaders) throws Exception {
        this.ignoreUnknownHeaders = ignoreUnknownHeaders;
        Properties props = new Properties();
        context = ContextBuilder.newBuilder("transient").credentials("identity", "credential").overrides(props)
                .build(BlobStoreContext.class);
        store = context.getBlobStore();
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        start();
    }

    void start() throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(ignoreUnknownHeaders)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.onSpinWait();
        }
    }

    void stop() throws Exception {
        proxy.stop();
        while (!"STOPPED".equals(proxy.getState())) {
            Thread.onSpinWait();
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** YAML of a logs.export section pointing here. */
    String exportYaml(String bucket, String indent) {
        return indent + "endpoint: " + endpoint() + "\n"
                + indent + "bucket: " + bucket + "\n"
                + indent + "prefix: audit/node-1\n"
                + indent + "access_key_id: ${env:S3_ACCESS}\n"
                + indent + "secret_access_key: ${env:S3_SECRET}\n"
                + indent + "retry_initial_ms: 100\n"
                + indent + "retry_max_ms: 400\n";
    }

    S3Client client() {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    void createBucket(String bucket) {
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    List<String> keys(String bucket) {
        try (S3Client s3 = client()) {
            return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
        }
    }

    byte[] raw(String bucket, String key) throws IOException {
        try (S3Client s3 = client(); InputStream in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            return in.readAllBytes();
        }
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            context.close();
        }
    }
}
