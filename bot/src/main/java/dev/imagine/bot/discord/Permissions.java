package dev.imagine.bot.discord;

import java.util.EnumSet;
import net.dv8tion.jda.api.Permission;

/** The permissions Imagine asks for when it is invited to a server. */
final class Permissions {
    static final EnumSet<Permission> NEEDED = EnumSet.of(Permission.VIEW_CHANNEL, Permission.MESSAGE_SEND,
            Permission.MESSAGE_ATTACH_FILES, Permission.MESSAGE_EMBED_LINKS, Permission.MESSAGE_HISTORY);

    /** The permissions integer of the invite URL. */
    static final long INVITE = Permission.getRaw(NEEDED);

    private Permissions() {
    }
}
