package dev.fairway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one reading of a declared body length, shared by the adapters, the cache and the usage meter. */
class HeadersContentLengthTest {
    @Test
    void aDeclaredLengthIsReadWhateverTheNamesCaseAndSurroundingSpace() {
        assertThat(Headers.of("Content-Length", " 1024 ").contentLength()).isEqualTo(1024);
        assertThat(Headers.of("content-length", "0").contentLength()).isZero();
        assertThat(Headers.length("\t17")).isEqualTo(17);
    }

    @Test
    void noLengthOrOneThatIsNotANumberIsMinusOne() {
        assertThat(Headers.of("content-type", "application/json").contentLength()).isEqualTo(-1);
        assertThat(Headers.of("content-length", "12abc").contentLength()).isEqualTo(-1);
        assertThat(Headers.of("content-length", "").contentLength()).isEqualTo(-1);
        assertThat(Headers.length(null)).isEqualTo(-1);
    }
}
