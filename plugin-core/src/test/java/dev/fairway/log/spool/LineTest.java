package dev.fairway.log.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The writer's reused line: grows as bytes come, keeps its array when cleared, and hands out room to write into. */
class LineTest {

    @Test
    void growsAsWrittenAndKeepsItsArrayWhenCleared() {
        Line line = new Line(2);
        for (int i = 0; i < 100; i++) {
            line.write('a' + i % 26);
        }
        line.write("xyz".getBytes(StandardCharsets.US_ASCII), 1, 2);
        assertThat(line.length()).isEqualTo(102);
        assertThat(new String(line.toByteArray(), StandardCharsets.US_ASCII)).startsWith("abc").endsWith("vyz");
        byte[] array = line.array();
        line.clear();
        assertThat(line.length()).isZero();
        line.write(1);
        assertThat(line.array()).isSameAs(array);
        assertThat(line.toByteArray()).containsExactly(1);
    }

    @Test
    void roomIsWrittenIntoThenCommitted() {
        Line line = new Line(0);
        line.write('"');
        byte[] dst = line.room(10);
        assertThat(dst.length - line.length()).isGreaterThanOrEqualTo(10);
        dst[1] = 'o';
        dst[2] = 'k';
        line.length(3);
        assertThat(new String(line.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo("\"ok");
        assertThatThrownBy(() -> line.length(line.capacity() + 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> line.room(-1)).isInstanceOf(IllegalArgumentException.class).hasMessage("n: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new Line(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
