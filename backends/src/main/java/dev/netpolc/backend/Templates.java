package dev.netpolc.backend;

import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;

/**
 * The one FreeMarker configuration of netpolc. Templates only loop over view-models built in
 * Java and print them; a template error is a bug in netpolc, so it is rethrown, never shown as a
 * diagnostic.
 */
public final class Templates {

    private static final Configuration CONFIG = create();

    private Templates() {}

    private static Configuration create() {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_34);
        cfg.setClassForTemplateLoading(Templates.class, "/dev/netpolc/backend/templates");
        cfg.setDefaultEncoding("UTF-8");
        cfg.setLocale(Locale.ROOT);
        cfg.setNumberFormat("computer");
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        cfg.setAPIBuiltinEnabled(false);
        return cfg;
    }

    /** Renders a template with a data model; the result always uses {@code \n} line endings. */
    public static String render(String templateName, Map<String, Object> model) {
        try {
            Template t = CONFIG.getTemplate(templateName);
            StringWriter out = new StringWriter();
            t.process(model, out);
            return out.toString().replace("\r\n", "\n");
        } catch (IOException | TemplateException e) {
            throw new IllegalStateException("template " + templateName + " failed: " + e.getMessage(), e);
        }
    }
}
