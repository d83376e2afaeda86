package dev.netpolc.compiler.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netpolc.ir.Diagnostic.Note;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** "Did you mean": close misspellings are suggested, unrelated words are not. */
class SuggestTest {

    private static final List<String> ATTRIBUTES = List.of("driver", "subnet", "ip-range", "gateway", "internal", "mtu",
            "bridge-name", "icc", "masquerade", "snat-source", "host-binding", "parent", "mode", "vlan", "vxlan-id",
            "underlay", "peers");
    private static final List<String> STATEMENTS = List.of("network", "container", "settings", "include");

    @Test
    void closeMisspellingsAreSuggested() {
        assertEquals(Optional.of("subnet"), Suggest.closest("subnett", ATTRIBUTES));
        assertEquals(Optional.of("subnet"), Suggest.closest("sbunet", ATTRIBUTES), "a transposition is one edit");
        assertEquals(Optional.of("subnet"), Suggest.closest("Subnet", ATTRIBUTES));
        assertEquals(Optional.of("gateway"), Suggest.closest("gatway", ATTRIBUTES));
        assertEquals(Optional.of("masquerade"), Suggest.closest("masquarede", ATTRIBUTES));
        assertEquals(Optional.of("ip-range"), Suggest.closest("iprange", ATTRIBUTES));
        assertEquals(Optional.of("network"), Suggest.closest("netwrk", STATEMENTS));
        assertEquals(Optional.of("container"), Suggest.closest("contianer", STATEMENTS));
        assertEquals(Optional.of("frontend"), Suggest.closest("frontnd", List.of("backend", "frontend")));
    }

    @Test
    void unrelatedWordsAreNotSuggested() {
        assertEquals(Optional.empty(), Suggest.closest("xyz", ATTRIBUTES));
        assertEquals(Optional.empty(), Suggest.closest("database", List.of("frontend", "backend")));
        assertEquals(Optional.empty(), Suggest.closest("bridge", List.of("driver")));
        assertEquals(Optional.empty(), Suggest.closest("firewall", STATEMENTS));
        assertEquals(Optional.empty(), Suggest.closest("ip", List.of("mtu", "icc")));
        assertEquals(Optional.empty(), Suggest.closest("subnet", List.of()));
    }

    @Test
    void theAllowedDistanceGrowsWithTheWord() {
        // a third of the length, at least one
        assertEquals(Optional.of("icc"), Suggest.closest("ic", List.of("icc")));
        assertEquals(Optional.empty(), Suggest.closest("iccxx", List.of("icc")), "two edits on a five-letter word");
        assertEquals(Optional.of("underlay"), Suggest.closest("undrlai", List.of("underlay")), "two edits on seven letters");
        assertEquals(Optional.empty(), Suggest.closest("undr", List.of("underlay")));
    }

    @Test
    void theClosestCandidateWinsAndTiesGoToTheFirst() {
        assertEquals(Optional.of("vlan"), Suggest.closest("vlan", List.of("vxlan-id", "vlan")), "an exact match wins");
        assertEquals(Optional.of("cat"), Suggest.closest("bat", List.of("cat", "hat")));
        assertEquals(Optional.of("hat"), Suggest.closest("bat", List.of("hat", "cat")));
        assertEquals(Optional.of("peers"), Suggest.closest("peer", List.of("parent", "peers")));
    }

    @Test
    void didYouMeanIsANote() {
        Optional<Note> n = Suggest.didYouMean("subnett", ATTRIBUTES);
        assertEquals(Optional.of(Note.note("did you mean 'subnet'?")), n);
        assertEquals(Optional.empty(), Suggest.didYouMean("qqqqqq", ATTRIBUTES));
    }

    @Test
    void distanceIsOptimalStringAlignment() {
        assertEquals(0, Suggest.distance("mtu", "mtu"));
        assertEquals(1, Suggest.distance("ca", "ac"));
        assertEquals(3, Suggest.distance("kitten", "sitting"));
        assertEquals(3, Suggest.distance("", "abc"));
        assertEquals(Suggest.distance("gateway", "gatway"), Suggest.distance("gatway", "gateway"));
        assertEquals(2, Suggest.distance("subnet", "sbuent"));
    }
}
