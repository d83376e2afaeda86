package dev.netpolc.compiler.lint;

import dev.netpolc.compiler.CompileResult;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a check reads: the resolved policy, with indexes built once, and how its files were read. */
public final class LintContext {

    private final Policy policy;
    private final CompileResult result;
    private final Map<String, List<Container>> members = new LinkedHashMap<>();
    private RuleSpace ruleSpace;

    public LintContext(CompileResult result) {
        this.result = result;
        this.policy = result.policy();
        for (Network n : policy.networks()) {
            members.put(n.name(), new ArrayList<>());
        }
        for (Container c : policy.containers()) {
            c.attachments().forEach(a -> members.get(a.network()).add(c));
        }
    }

    public Policy policy() {
        return policy;
    }

    public List<CompileResult.IncludeSite> includes() {
        return result.includes();
    }

    /**
     * What the policy's rules match, shared by the rule checks: its indexes of each endpoint's
     * addresses are built once for all of them, not once per check.
     */
    RuleSpace ruleSpace() {
        if (ruleSpace == null) {
            ruleSpace = new RuleSpace(policy);
        }
        return ruleSpace;
    }

    /** The containers attached to a network, in declaration order. */
    public List<Container> members(String network) {
        return members.getOrDefault(network, List.of());
    }
}
