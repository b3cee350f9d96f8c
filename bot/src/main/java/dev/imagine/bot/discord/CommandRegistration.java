package dev.imagine.bot.discord;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.interactions.commands.build.CommandData;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the slash commands (a bulk overwrite, globally and per test server) only when the command set changed
 * since the last successful registration, remembered as a hash in a small file. Discord allows 200 command
 * creates per day per server; restarts must not spend them.
 */
final class CommandRegistration {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRegistration.class);
    static final String STATE_FILE = "discord-commands.properties";

    private final Path stateFile;

    CommandRegistration(Path dataDir) {
        this.stateFile = dataDir.resolve(STATE_FILE);
    }

    /** Registers where needed; returns how many bulk overwrites were sent. Failures are logged, not thrown. */
    int registerIfChanged(JDA jda, List<CommandData> commands, List<String> testGuildIds) {
        String hash = hash(commands);
        Properties state = load();
        int sent = 0;
        if (!hash.equals(state.getProperty("global"))) {
            try {
                jda.updateCommands().addCommands(commands).complete();
                state.setProperty("global", hash);
                save(state);
                sent++;
                LOG.info("registered {} global slash commands", commands.size());
            } catch (RuntimeException e) {
                LOG.error("could not register the global slash commands; will try again at the next start", e);
            }
        } else {
            LOG.info("slash commands unchanged since the last registration; not registering them again");
        }
        for (String guildId : testGuildIds) {
            String key = "guild." + guildId;
            if (hash.equals(state.getProperty(key))) {
                continue;
            }
            Guild guild = jda.getGuildById(guildId);
            if (guild == null) {
                LOG.warn("test server {} is not one the bot is in; its commands were not registered", guildId);
                continue;
            }
            try {
                guild.updateCommands().addCommands(commands).complete();
                state.setProperty(key, hash);
                save(state);
                sent++;
                LOG.info("registered {} slash commands in test server {}", commands.size(), guildId);
            } catch (RuntimeException e) {
                LOG.error("could not register the slash commands in test server {}", guildId, e);
            }
        }
        return sent;
    }

    /** SHA-256 of the commands as Discord receives them, with object keys sorted so the hash is stable. */
    static String hash(List<CommandData> commands) {
        StringBuilder canonical = new StringBuilder("[");
        for (CommandData command : commands) {
            canonical.append(canonical(command.toData().toMap())).append(',');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.append(']').toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String canonical(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
            StringBuilder out = new StringBuilder("{");
            sorted.forEach((k, v) -> out.append(DataArray.empty().add(k).toString()).append(':')
                    .append(canonical(v)).append(','));
            return out.append('}').toString();
        }
        if (value instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            list.forEach(v -> out.append(canonical(v)).append(','));
            return out.append(']').toString();
        }
        if (value instanceof DataObject object) {
            return canonical(object.toMap());
        }
        if (value instanceof DataArray array) {
            return canonical(array.toList());
        }
        return DataArray.empty().add(value).toString();
    }

    private Properties load() {
        Properties state = new Properties();
        if (Files.isRegularFile(stateFile)) {
            try (Reader in = Files.newBufferedReader(stateFile, StandardCharsets.UTF_8)) {
                state.load(in);
            } catch (IOException e) {
                LOG.warn("could not read {} ({}); registering the commands again", stateFile, e.toString());
            }
        }
        return state;
    }

    private void save(Properties state) {
        try {
            Files.createDirectories(stateFile.getParent());
            Path temp = stateFile.resolveSibling(STATE_FILE + ".tmp");
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                state.store(out, "Hashes of the slash commands last registered with Discord");
            }
            Files.move(temp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("could not write {} ({}); the commands will be registered again at the next start", stateFile,
                    e.toString());
        }
    }
}
