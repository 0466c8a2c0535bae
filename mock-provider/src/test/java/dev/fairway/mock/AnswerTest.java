package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerTest {

    @Test
    void padsWithTheUsersWordsToReachTheChunkCount() {
        Answer answer = Answer.to(new Prompt(List.of("hi there"), "hi there"), 5, 0);

        assertThat(answer.chunks()).containsExactly("Echo:", " hi", " there", " hi", " there");
        assertThat(answer.text()).isEqualTo("Echo: hi there hi there");
        assertThat(answer.outputTokens()).isEqualTo(5);
        assertThat(answer.inputTokens()).isEqualTo(2 + Prompt.MESSAGE_OVERHEAD);
    }

    @Test
    void groupsWordsWhenThereAreMoreWordsThanChunks() {
        Answer answer = Answer.to(new Prompt(List.of("a b c d e f g"), "a b c d e f g"), 3, 0);

        assertThat(answer.chunks()).hasSize(3);
        assertThat(answer.text()).isEqualTo("Echo: a b c d e f g");
        assertThat(answer.outputTokens()).isEqualTo(8);
    }

    @Test
    void anEmptyPromptStillAnswers() {
        Answer answer = Answer.to(new Prompt(List.of(), ""), 3, 0);

        assertThat(answer.text()).isEqualTo("Echo: echo echo");
        assertThat(answer.inputTokens()).isZero();
    }

    @Test
    void cachedTokensNeverExceedInputTokens() {
        Prompt prompt = new Prompt(List.of("one two"), "one two");

        assertThat(Answer.to(prompt, 1, 3).cachedTokens()).isEqualTo(3);
        assertThat(Answer.to(prompt, 1, 3).uncachedInputTokens()).isEqualTo(2);
        assertThat(Answer.to(prompt, 1, 99).cachedTokens()).isEqualTo(5);
    }

    @Test
    void wordsSplitOnAnyWhitespace() {
        assertThat(Words.split("  a\tb\n c  ")).containsExactly("a", "b", "c");
        assertThat(Words.count("  a\tb\n c  ")).isEqualTo(3);
        assertThat(Words.count("")).isZero();
        assertThat(Words.split(null)).isEmpty();
    }
}
