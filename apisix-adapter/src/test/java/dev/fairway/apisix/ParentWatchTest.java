package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ParentWatchTest {

    @Test
    void stdinEndMeansApisixIsGone() throws Exception {
        PipedOutputStream apisix = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(apisix);
        CountDownLatch gone = new CountDownLatch(1);

        Thread watcher = ParentWatch.watchStdin(stdin, gone::countDown);
        apisix.write("stray bytes are ignored\n".getBytes());
        apisix.flush();
        assertThat(gone.getCount()).isEqualTo(1);
        apisix.close();

        assertThat(gone.await(10, TimeUnit.SECONDS)).isTrue();
        watcher.join(10_000);
        assertThat(watcher.isAlive()).isFalse();
    }
}
