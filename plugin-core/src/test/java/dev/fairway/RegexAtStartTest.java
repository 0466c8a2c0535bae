package dev.fairway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Regular expressions are compiled when a class or the configuration is loaded, never per request:
 * no String method that compiles its argument as a regex ({@code matches}, {@code replaceAll},
 * {@code replaceFirst}, {@code split} on more than one plain character), and {@code Pattern.compile}
 * only in constants or in the classes that compile configured patterns at load.
 */
class RegexAtStartTest {
    private static final Path MAIN = Path.of("src/main/java/dev/fairway");
    /** Read with the configuration (once per load), not per request. */
    private static final Set<String> LOAD_TIME = Set.of("config/", "guardrail/GuardPattern.java", "provider/KeyOperations.java");
    private static final Pattern STRING_REGEX = Pattern.compile("\\.(matches|replaceAll|replaceFirst)\\(\"");
    /** String.split compiles nothing for one character, or a backslash and one non-alphanumeric character. */
    private static final Pattern SPLIT = Pattern.compile("\\.split\\(\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern COMPILE = Pattern.compile("Pattern\\.compile\\(");

    @Test
    void noRegexIsCompiledOnTheRequestPath() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String rel = MAIN.relativize(file).toString().replace('\\', '/');
                if (LOAD_TIME.stream().anyMatch(rel::startsWith)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file);
                boolean inConstant = false;
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.startsWith("//") || line.startsWith("*") || line.startsWith("/*")) {
                        continue;
                    }
                    // A constant's initialiser runs once, when the class loads; it may span lines.
                    inConstant = line.contains("static final") || (inConstant && !lines.get(i - 1).strip().endsWith(";"));
                    String where = rel + ":" + (i + 1) + ": " + line;
                    if (STRING_REGEX.matcher(line).find()) {
                        found.add(where);
                    }
                    Matcher split = SPLIT.matcher(line);
                    while (split.find()) {
                        String arg = split.group(1);
                        boolean fast = arg.length() == 1 && ".$|()[{^?*+\\".indexOf(arg.charAt(0)) < 0
                                || arg.length() == 2 && arg.charAt(0) == '\\'
                                || arg.length() == 3 && arg.startsWith("\\\\") && !Character.isLetterOrDigit(arg.charAt(2));
                        if (!fast) {
                            found.add(where);
                        }
                    }
                    if (COMPILE.matcher(line).find() && !inConstant) {
                        found.add(where);
                    }
                }
            }
        }
        assertThat(found).isEmpty();
    }
}
