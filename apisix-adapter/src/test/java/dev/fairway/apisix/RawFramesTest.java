package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.fairway.Fairway;
import dev.fairway.apisix.protocol.ErrorCode;
import dev.fairway.apisix.protocol.Frame;
import dev.fairway.apisix.protocol.FrameChannel;
import dev.fairway.apisix.protocol.RpcType;
import dev.fairway.config.ConfigLoader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames APISIX never sends in that order: the runner answers them and keeps the connection. */
class RawFramesTest {
    @TempDir
    Path dir;

    private Fairway fairway;
    private ApisixRunner runner;

    @BeforeEach
    void start() throws Exception {
        fairway = Fairway.builder(ConfigLoader.defaults()).dispatcherEndpoint(true).start();
        runner = ApisixRunner.builder(fairway).socket(dir.resolve("r.sock")).start();
    }

    @AfterEach
    void stop() {
        runner.close();
        fairway.close();
    }

    @Test
    void unknownTypesAndStrayExtraInfoAreBadRequestsOnALiveConnection() throws Exception {
        try (FrameChannel conn = connect()) {
            conn.write(9, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertError(conn.read(), ErrorCode.BAD_REQUEST);

            conn.write(RpcType.EXTRA_INFO, ByteBuffer.allocate(0));
            assertError(conn.read(), ErrorCode.BAD_REQUEST);

            FlatBufferBuilder b = new FlatBufferBuilder(64);
            int entry = io.github.api7.A6.TextEntry.createTextEntry(b, b.createString("fairway"), b.createString(""));
            int conf = io.github.api7.A6.PrepareConf.Req.createConfVector(b, new int[] {entry});
            b.finish(io.github.api7.A6.PrepareConf.Req.createReq(b, conf, 0));
            conn.write(RpcType.PREPARE_CONF, b.dataBuffer());
            Frame answer = conn.read();
            assertThat(answer.type()).isEqualTo(RpcType.PREPARE_CONF);
            assertThat(io.github.api7.A6.PrepareConf.Resp.getRootAsResp(answer.payload()).confToken()).isPositive();
        }
    }

    @Test
    void undecodablePayloadsAreBadRequestsOnALiveConnection() throws Exception {
        try (FrameChannel conn = connect()) {
            conn.write(RpcType.HTTP_REQ_CALL, ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x7F, 0x7F, 1, 2}));
            assertError(conn.read(), ErrorCode.BAD_REQUEST);

            // A table whose header vector claims two billion entries in a few bytes.
            ByteBuffer lying = ByteBuffer.allocate(64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            FlatBufferBuilder b = new FlatBufferBuilder(64);
            int headers = io.github.api7.A6.HTTPReqCall.Req.createHeadersVector(b, new int[0]);
            b.finish(io.github.api7.A6.HTTPReqCall.Req.createReq(b, 1, 0, 0, 0, 0, headers, 1));
            lying.put(b.dataBuffer()).flip();
            // The empty header vector is the last thing in the buffer: its length is the last int.
            lying.putInt(lying.limit() - 4, 2_000_000_000);
            conn.write(RpcType.HTTP_REQ_CALL, lying);
            assertError(conn.read(), ErrorCode.BAD_REQUEST);

            conn.write(9, ByteBuffer.allocate(0));
            assertError(conn.read(), ErrorCode.BAD_REQUEST);
        }
    }

    @Test
    void theSocketIsReachableByAnyLocalUserAndGoesAwayOnClose() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runner.socket()))).isEqualTo("rwxrw-rw-");

        runner.close();

        assertThat(runner.socket()).doesNotExist();
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        runner.close();
        Files.writeString(dir.resolve("r.sock"), "left over by a killed runner");

        runner = ApisixRunner.builder(fairway).socket(dir.resolve("r.sock")).start();

        try (FrameChannel conn = connect()) {
            conn.write(9, ByteBuffer.allocate(0));
            assertError(conn.read(), ErrorCode.BAD_REQUEST);
        }
    }

    private FrameChannel connect() throws Exception {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(runner.socket()));
        return new FrameChannel(channel);
    }

    private static void assertError(Frame frame, int code) {
        assertThat(frame.type()).isEqualTo(RpcType.ERROR);
        assertThat(io.github.api7.A6.Err.Resp.getRootAsResp(frame.payload()).code()).isEqualTo(code);
    }
}
