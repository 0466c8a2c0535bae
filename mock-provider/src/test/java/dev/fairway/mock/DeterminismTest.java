package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The same request gets the same bytes, ids and timestamps included, across separate mock instances. */
class DeterminismTest {

    static MockProvider first;
    static MockProvider second;

    @BeforeAll
    static void start() {
        first = MockProvider.start(MockOptions.defaults());
        second = MockProvider.start(MockOptions.defaults());
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"same words\"}]}",
            "/v1/chat/completions|{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"same\"}]}",
            "/v1/responses|{\"model\":\"m\",\"input\":\"same words\"}",
            "/v1/responses|{\"model\":\"m\",\"input\":\"same words\",\"stream\":true}",
            "/v1/embeddings|{\"model\":\"m\",\"input\":[\"same\",\"words\"]}",
            "/v1/messages|{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"same\"}]}",
            "/v1/messages|{\"model\":\"m\",\"max_tokens\":5,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"same\"}]}",
            "/v1beta/models/g:generateContent|{\"contents\":[{\"parts\":[{\"text\":\"same\"}]}]}",
            "/v1beta/models/g:streamGenerateContent?alt=sse|{\"contents\":[{\"parts\":[{\"text\":\"same\"}]}]}",
            "/v2/chat|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"same\"}]}",
            "/v2/chat|{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"same\"}]}",
            "/model/m/invoke|{\"messages\":[{\"role\":\"user\",\"content\":\"same\"}]}",
            "/model/m/converse|{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"same\"}]}]}"})
    void sameRequestSameBytes(String path, String body) {
        String a = Http.post(first, path, body).body();
        String b = Http.post(first, path, body).body();
        String c = Http.post(second, path, body).body();

        assertThat(a).isNotEmpty().isEqualTo(b).isEqualTo(c);
        assertThat(Http.post(first, path, body.replace("same", "other")).body()).isNotEqualTo(a);
    }
}
