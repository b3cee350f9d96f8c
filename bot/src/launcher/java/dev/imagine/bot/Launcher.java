package dev.imagine.bot;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The jar's entry point ({@code java -jar imagine.jar}). Compiled for Java 8, unlike the rest, so that a {@code java}
 * older than Imagine needs says so in one line, with what to do, instead of an {@code UnsupportedClassVersionError}:
 * {@code ./mvnw} builds with {@code JAVA_HOME}, but {@code java -jar} runs the first {@code java} in {@code PATH},
 * which on many machines is still 17. On Java 21 or newer it hands over to {@link Main} at once.
 */
public final class Launcher {
    static final int REQUIRED = 21;
    private static final String JVMS = "/usr/lib/jvm";

    private Launcher() {
    }

    public static void main(String[] args) throws Throwable {
        String version = System.getProperty("java.specification.version");
        if (major(version) < REQUIRED) {
            // Only then look for a newer JDK to name: a start on a good java reads nothing more.
            System.err.println(problemWith(version, System.getProperty("java.home"), newerJdks(new File(JVMS))));
            System.exit(1);
        }
        try {
            // By name: this class must load on Java 8, and Main is compiled for 21.
            Class.forName("dev.imagine.bot.Main").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * What is wrong with running on this Java, or null when nothing is.
     *
     * @param specVersion {@code java.specification.version}: "1.8", "17", "25"
     * @param newer       JDKs of version 21 or newer found on this machine, to name in the advice
     */
    static String problemWith(String specVersion, String javaHome, List<String> newer) {
        if (major(specVersion) >= REQUIRED) {
            return null;
        }
        String advice = newer.isEmpty()
                ? "install one (on Debian: apt-get install openjdk-21-jdk-headless)"
                : "one is at " + newer.get(0) + ": export JAVA_HOME=" + newer.get(0)
                        + " PATH=\"" + newer.get(0) + "/bin:$PATH\"";
        return "error: Imagine needs Java " + REQUIRED + " or newer, and this java is " + specVersion + " ("
                + javaHome + "). Run it with a JDK " + REQUIRED + "+ first in PATH; " + advice + ".";
    }

    /** The major version of a {@code java.specification.version}; unreadable ones count as new enough. */
    static int major(String specVersion) {
        if (specVersion == null) {
            return Integer.MAX_VALUE;
        }
        String version = specVersion.startsWith("1.") ? specVersion.substring(2) : specVersion;
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        return end == 0 ? Integer.MAX_VALUE : Integer.parseInt(version.substring(0, end));
    }

    /** JDKs under {@code jvms} whose {@code release} file says version 21 or newer, by name. */
    static List<String> newerJdks(File jvms) {
        List<String> found = new ArrayList<>();
        File[] candidates = jvms.listFiles();
        if (candidates == null) {
            return found;
        }
        Arrays.sort(candidates);
        for (File jdk : candidates) {
            File release = new File(jdk, "release");
            if (!new File(jdk, "bin/java").isFile() || !release.isFile()) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(release.toPath(), StandardCharsets.UTF_8)) {
                    if (line.startsWith("JAVA_VERSION=")) {
                        String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                        if (major(version) >= REQUIRED && major(version) != Integer.MAX_VALUE) {
                            found.add(jdk.getPath());
                        }
                    }
                }
            } catch (IOException e) {
                // an unreadable JDK is not one to advise
            }
        }
        return found;
    }
}
