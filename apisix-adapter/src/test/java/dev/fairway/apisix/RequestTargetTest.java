package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.apisix.protocol.TextEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTargetTest {

    @Test
    void plainPathStaysAsItIs() {
        assertThat(RequestTarget.of("/openai/v1/chat/completions", List.of())).isEqualTo("/openai/v1/chat/completions");
    }

    @Test
    void decodedCharactersAreEncodedAgain() {
        assertThat(RequestTarget.of("/google-ai-studio/v1beta/models/gemini pro:generateContent", List.of()))
                .isEqualTo("/google-ai-studio/v1beta/models/gemini%20pro:generateContent");
        assertThat(RequestTarget.of("/x/é?#%", List.of())).isEqualTo("/x/%C3%A9%3F%23%25");
    }

    @Test
    void argumentsBecomeTheQuery() {
        List<TextEntry> args = List.of(new TextEntry("api-version", "2024-02-01"), new TextEntry("q", "a=b&c/d"), new TextEntry("flag", null));

        assertThat(RequestTarget.of("/azure-openai/r/d/chat/completions", args))
                .isEqualTo("/azure-openai/r/d/chat/completions?api-version=2024-02-01&q=a%3Db%26c%2Fd&flag");
    }

    @Test
    void emptyPathIsTheRoot() {
        assertThat(RequestTarget.of("", List.of())).isEqualTo("/");
    }
}
