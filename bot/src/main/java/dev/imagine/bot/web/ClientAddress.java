package dev.imagine.bot.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The fair share of a client of the open web API, by its address: one IPv4 address, or one IPv6 /64 (a single
 * household or machine usually holds a whole /64, so counting its addresses one by one would hand out new shares).
 * On loopback every request comes from this machine, so there the cookie alone says who is who.
 */
final class ClientAddress {
    static final String PREFIX = "web@";

    private ClientAddress() {
    }

    /** The share key of the client at {@code remoteAddress}, such as {@code web@203.0.113.7}. */
    static String shareKey(String remoteAddress) {
        String address = remoteAddress == null ? "unknown" : remoteAddress.strip();
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        if (address.contains(":")) {
            try {
                InetAddress parsed = InetAddress.getByName(address);
                if (parsed instanceof Inet6Address) {
                    byte[] bytes = parsed.getAddress();
                    StringBuilder prefix = new StringBuilder();
                    for (int i = 0; i < 8; i += 2) {
                        prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)))
                                .append(':');
                    }
                    return PREFIX + prefix + ":/64";
                }
            } catch (UnknownHostException e) {
                // A literal that is not an address (cannot come from a socket): kept as it is.
            }
        }
        return PREFIX + address;
    }
}
