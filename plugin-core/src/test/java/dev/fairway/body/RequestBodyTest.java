package dev.fairway.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fairway.error.GatewayError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestBodyTest {
    private static RequestBody scan(String json) {
        return RequestBody.scan(json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    @Test
    void readsModelAndStreamAtTopLevelOnly() {
        RequestBody b = scan("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"model\":\"nested\"}],\"stream\":true,\"model\":\"gpt-4o\"}");
        assertThat(b.model()).isEqualTo("gpt-4o");
        assertThat(b.stream()).isTrue();
        assertThat(b.json()).isTrue();
    }

    @Test
    void keepsTheBytesAsReceived() {
        byte[] raw = "{ \"model\" : \"m\" ,\n \"x\":1.50 }".getBytes(StandardCharsets.UTF_8);
        assertThat(RequestBody.scan(raw, "application/json").bytes()).isSameAs(raw);
    }

    @Test
    void emptyAndNonJsonBodiesPassUnread() {
        assertThat(RequestBody.scan(new byte[0], "application/json")).isSameAs(RequestBody.EMPTY);
        RequestBody upload = RequestBody.scan(new byte[] {1, 2, 3}, "multipart/form-data; boundary=x");
        assertThat(upload.json()).isFalse();
        assertThat(upload.model()).isNull();
    }

    @Test
    void jsonIsRecognisedByItsFirstByteWhateverTheLabel() {
        byte[] json = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(RequestBody.scan(json, "application/x-www-form-urlencoded").model()).isEqualTo("m");
        assertThat(RequestBody.scan(json, null).model()).isEqualTo("m");
        assertThat(RequestBody.scan("plain words".getBytes(StandardCharsets.UTF_8), "text/plain").json()).isFalse();
    }

    @Test
    void malformedJsonSaysWhere() {
        GatewayError e = catchThrowableOfType(GatewayError.class, () -> scan("{\"model\": \"m\",\n \"messages\": [}"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.details()).containsEntry("field", "body");
        assertThat(e.getMessage()).contains("not valid JSON").contains("line 2");
    }

    @Test
    void wrongTypesNameTheField() {
        assertThat(catchThrowableOfType(GatewayError.class, () -> scan("{\"model\": 4}")).details()).containsEntry("field", "model");
        assertThat(catchThrowableOfType(GatewayError.class, () -> scan("{\"stream\": \"yes\"}")).details()).containsEntry("field", "stream");
        assertThat(catchThrowableOfType(GatewayError.class, () -> scan("[1,2]")).getMessage()).contains("expected a JSON object");
        assertThat(catchThrowableOfType(GatewayError.class, () -> scan("{} {}")).getMessage()).contains("after the JSON object");
    }

    @Test
    void theTypedFactsComeFromOneParse() {
        RequestBody b = RequestBody.of(("{\"model\":\"gpt-4o\",\"n\":2,\"tools\":[{\"type\":\"function\"}],"
                + "\"stream_options\":{\"include_usage\":true},\"temperature\":0.70}").getBytes(StandardCharsets.UTF_8), "application/json");
        assertThat(b.parses()).isZero();
        assertThat(b.model()).isEqualTo("gpt-4o");
        assertThat(b.n()).isEqualTo(2);
        assertThat(b.hasTools()).isTrue();
        assertThat(b.hasStreamOptions()).isTrue();
        assertThat(b.includeUsage()).isTrue();
        assertThat(b.statesIncludeUsage()).isTrue();
        assertThat(b.tree().get("temperature").toString()).isEqualTo("0.70");
        assertThat(b.parses()).isEqualTo(1);

        RequestBody plain = scan("{\"model\":\"m\",\"stream_options\":{}}");
        assertThat(plain.n()).isEqualTo(1);
        assertThat(plain.hasTools()).isFalse();
        assertThat(plain.includeUsage()).isFalse();
        assertThat(plain.statesIncludeUsage()).isFalse();
    }

    @Test
    void aRenamedBodyIsACopyThatIsNotParsedAgain() {
        RequestBody b = scan("{\"model\":\"a\",\"top_p\":1.50,\"messages\":[]}");
        RequestBody renamed = b.withModel("b");
        assertThat(renamed.model()).isEqualTo("b");
        assertThat(new String(renamed.bytes(), StandardCharsets.UTF_8)).isEqualTo("{\"model\":\"b\",\"top_p\":1.50,\"messages\":[]}");
        assertThat(b.model()).isEqualTo("a");
        assertThat(renamed.parses()).isEqualTo(1);
        assertThat(RequestBody.of(new byte[] {1, 2}, "multipart/form-data").withModel("b").bytes()).containsExactly(1, 2);
    }

    @Test
    void aUniversalBodyIsAnyJsonValue() {
        RequestBody steps = RequestBody.universal("[{\"provider\":\"openai\"}]".getBytes(StandardCharsets.UTF_8));
        assertThat(steps.node().isArray()).isTrue();
        assertThat(steps.tree()).isNull();
        assertThat(steps.model()).isNull();
        assertThat(RequestBody.universal(new byte[0]).node().isMissingNode()).isTrue();
    }
}
