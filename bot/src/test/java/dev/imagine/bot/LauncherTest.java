package dev.imagine.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {

    @Test
    void java21AndNewer_haveNothingToSay() {
        assertThat(Launcher.problemWith("21", "/jdk21", List.of())).isNull();
        assertThat(Launcher.problemWith("25", "/jdk25", List.of())).isNull();
    }

    @Test
    void anOlderJava_isNamed_withTheNewerJdkOfThisMachineToUseInstead() {
        String problem = Launcher.problemWith("17", "/usr/lib/jvm/java-17", List.of("/usr/lib/jvm/temurin-25"));

        assertThat(problem).startsWith("error: Imagine needs Java 21 or newer, and this java is 17 (/usr/lib/jvm/java-17)")
                .contains("export JAVA_HOME=/usr/lib/jvm/temurin-25 PATH=\"/usr/lib/jvm/temurin-25/bin:$PATH\"")
                .doesNotContain("\n");
    }

    @Test
    void anOlderJava_onAMachineWithoutANewerOne_isToldHowToInstallOne() {
        assertThat(Launcher.problemWith("1.8", "/jre8", List.of())).contains("this java is 1.8")
                .contains("apt-get install openjdk-21-jdk-headless");
    }

    @Test
    void major_readsOldAndNewVersionStrings_andCountsUnreadableOnesAsNewEnough() {
        assertThat(Launcher.major("1.8")).isEqualTo(8);
        assertThat(Launcher.major("17")).isEqualTo(17);
        assertThat(Launcher.major("25.0.3")).isEqualTo(25);
        assertThat(Launcher.major("26-ea")).isEqualTo(26);
        assertThat(Launcher.major("")).isEqualTo(Integer.MAX_VALUE);
        assertThat(Launcher.major(null)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void newerJdks_areTheFoldersWithAJavaAndAReleaseFileOfVersion21OrNewer(@TempDir Path jvms) throws IOException {
        jdk(jvms.resolve("java-17-openjdk"), "17.0.15");
        jdk(jvms.resolve("temurin-25-jdk"), "25.0.3");
        jdk(jvms.resolve("zulu-21"), "21.0.1");
        Files.createDirectories(jvms.resolve("openjdk-17")); // Debian's documentation folder: no bin/java

        assertThat(Launcher.newerJdks(jvms.toFile())).containsExactly(jvms.resolve("temurin-25-jdk").toString(),
                jvms.resolve("zulu-21").toString());
        assertThat(Launcher.newerJdks(jvms.resolve("missing").toFile())).isEmpty();
    }

    private static void jdk(Path home, String version) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin/java"), "");
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
    }
}
