package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One JSON file of the gateway's state (admin-created flow and prompt versions), kept beside the
 * log spool: {@code <logs.spool_dir>.<name>.json}, as the log store's {@code <spool_dir>.logs.db}.
 * Written whole and atomically (a temporary file, forced to disk, renamed over the old one, the
 * directory forced), so a crash leaves the old content or the new, never a mix; read once at start,
 * where a file that is not this gateway's JSON stops the start with an error naming it, rather than
 * starting without the versions it holds.
 */
public final class StateFile {
    /** The format written; a file of another format is refused rather than guessed at. */
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StateFile.class);

    private final Path path;

    public StateFile(Path path) {
        this.path = requireNonNull(path, "path").toAbsolutePath();
    }

    /** The state file {@code name} beside the spool directory {@code spoolDir}. */
    public static StateFile beside(String spoolDir, String name) {
        return new StateFile(Path.of(requireNonNull(spoolDir, "spoolDir") + "." + requireNonNull(name, "name") + ".json"));
    }

    public Path path() {
        return path;
    }

    /**
     * The file's content (its {@code format} checked), or null when there is no file yet.
     *
     * @throws ConfigException naming the file when it cannot be read or is not this gateway's JSON
     */
    public ObjectNode read() {
        if (!Files.exists(path)) {
            return null;
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(Files.readAllBytes(path));
        } catch (IOException e) {
            throw refused("unreadable (" + e.getMessage() + ")");
        }
        if (!(tree instanceof ObjectNode o) || o.path("format").asInt(-1) != FORMAT) {
            throw refused("not a state file of format " + FORMAT);
        }
        return o;
    }

    /** Replaces the file with {@code content} (its {@code format} set), durably. */
    public void write(ObjectNode content) throws IOException {
        ObjectNode out = JSON.createObjectNode().put("format", FORMAT);
        out.setAll(content);
        byte[] bytes;
        try {
            bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(out);
        } catch (JsonProcessingException e) {
            throw new IOException("state of " + path + " could not be written as JSON", e);
        }
        Path dir = path.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(path.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            // The rename itself is durable once the directory is.
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for force(); the file itself is on disk already.
            LOG.debug("directory of {} not forced to disk: {}", path, e.toString());
        }
    }

    private ConfigException refused(String why) {
        return new ConfigException(String.format("%s: %s; the admin-created flow and prompt versions it holds would be lost "
                + "(expected: the JSON this gateway wrote; restore it from a backup, or move it away to start without them)", path, why));
    }
}
