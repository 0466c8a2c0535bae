package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddingsTest {

    static MockProvider mock;

    @BeforeAll
    static void start() {
        mock = MockProvider.start(MockOptions.defaults());
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    @Test
    void embedsEachInputAsAUnitVector() {
        JsonNode body = Http.postJson(mock, "/v1/embeddings",
                """
                {"model":"text-embedding-3-small","input":["the quick fox","jumps"],"encoding_format":"float"}""");

        assertThat(body.get("object").asText()).isEqualTo("list");
        assertThat(body.get("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(body.get("data")).hasSize(2);
        JsonNode first = body.get("data").get(0);
        assertThat(first.get("object").asText()).isEqualTo("embedding");
        assertThat(first.get("index").asInt()).isZero();
        assertThat(first.get("embedding")).hasSize(8);
        double norm = 0;
        for (JsonNode v : first.get("embedding")) {
            norm += v.asDouble() * v.asDouble();
        }
        assertThat(norm).isCloseTo(1.0, within(1e-5));
        assertThat(body.get("data").get(1).get("index").asInt()).isEqualTo(1);
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(body.get("usage").get("total_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void sameTextSameVectorDifferentTextDifferentVector() {
        JsonNode a = Http.postJson(mock, "/v1/embeddings", "{\"model\":\"e\",\"input\":\"alpha\"}");
        JsonNode b = Http.postJson(mock, "/v1/embeddings", "{\"model\":\"other\",\"input\":[\"alpha\",\"beta\"]}");

        assertThat(b.at("/data/0/embedding")).isEqualTo(a.at("/data/0/embedding"));
        assertThat(b.at("/data/1/embedding")).isNotEqualTo(a.at("/data/0/embedding"));
    }

    @Test
    void base64EncodingCarriesTheSameFloats() {
        JsonNode floats = Http.postJson(mock, "/v1/embeddings", "{\"model\":\"e\",\"input\":\"alpha\",\"dimensions\":12}");
        JsonNode base64 = Http.postJson(mock, "/v1/embeddings",
                "{\"model\":\"e\",\"input\":\"alpha\",\"dimensions\":12,\"encoding_format\":\"base64\"}");

        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64.at("/data/0/embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(12 * 4);
        for (JsonNode v : floats.at("/data/0/embedding")) {
            assertThat(bytes.getFloat()).isEqualTo(v.floatValue());
        }
    }

    @Test
    void tokenArraysCountOneTokenPerId() {
        JsonNode body = Http.postJson(mock, "/v1/embeddings", "{\"model\":\"e\",\"input\":[[1,2,3],[4]]}");

        assertThat(body.get("data")).hasSize(2);
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(4);
    }
}
