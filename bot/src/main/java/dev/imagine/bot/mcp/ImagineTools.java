package dev.imagine.bot.mcp;

import dev.imagine.bot.command.Action;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.job.ReplyTexts;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Imagine's MCP tools: {@code imagine}, {@code same_seed}, {@code reroll}, {@code queue} and {@code info}. Each
 * turns its arguments into the {@link Command} every platform sends, asks the {@link JobService}, and answers with
 * what it said; a picture is awaited without holding a thread ({@link ToolCalls} completes it), with progress while it
 * waits and draws, and a cancel from the client cancels the job.
 */
final class ImagineTools {
    private static final Logger LOG = LoggerFactory.getLogger(ImagineTools.class);
    /** Where the HTTP transport puts the API's base URL as the client reached it; absent on stdio. */
    static final String API_BASE = "dev.imagine/api-base";

    private final JobService jobs;
    private final ToolCalls calls;
    private final Cancellations cancellations;

    ImagineTools(JobService jobs, ToolCalls calls, Cancellations cancellations) {
        this.jobs = jobs;
        this.calls = calls;
        this.cancellations = cancellations;
    }

    List<AsyncToolSpecification> all() {
        JobSettings settings = jobs.settings();
        return List.of(
                tool(Tool.builder().name("imagine").title("Draw a picture")
                        .description("Draws a picture from a text prompt with Stable Diffusion (LCM) on this"
                                + " computer's CPU and returns it as a PNG, with the seed and settings used and a job"
                                + " id for same_seed and reroll. It waits its turn in a queue shared fairly with"
                                + " other people; a 512x512 picture takes from a few seconds to a minute, and"
                                + " progress is reported while it waits and draws. Only prompt is required. With"
                                + " image (a picture file in base64) or source_job (an earlier job's id) it draws"
                                + " from that picture, changed as much as strength says; with a mask as well it"
                                + " redraws only the mask's white part.")
                        .inputSchema(ToolSchemas.imagine(settings))
                        .annotations(new ToolAnnotations("Draw a picture", false, false, false, false, null)),
                        (exchange, arguments) -> ToolArguments.imagine(arguments, requester(exchange))),
                tool(Tool.builder().name("same_seed").title("Draw an earlier picture again")
                        .description("Draws an earlier picture again exactly: the same prompt, seed and settings"
                                + " give the same pixels (at once when Imagine still has it).")
                        .inputSchema(ToolSchemas.earlierJob())
                        .annotations(new ToolAnnotations("Same seed", false, false, true, false, null)),
                        (exchange, arguments) -> Action.SAME_SEED.command(requester(exchange),
                                ToolArguments.jobId(arguments))),
                tool(Tool.builder().name("reroll").title("Draw an earlier prompt with a new seed")
                        .description("Draws the prompt and settings of an earlier picture with a new random seed:"
                                + " another picture of the same description.")
                        .inputSchema(ToolSchemas.earlierJob())
                        .annotations(new ToolAnnotations("Re-roll", false, false, false, false, null)),
                        (exchange, arguments) -> Action.REROLL.command(requester(exchange),
                                ToolArguments.jobId(arguments))),
                tool(Tool.builder().name("queue").title("Where my pictures are in the queue")
                        .description("How many pictures wait in Imagine's queue, whether one is being drawn, and"
                                + " where this assistant's pictures are with their expected wait.")
                        .inputSchema(ToolSchemas.none())
                        .annotations(new ToolAnnotations("Queue", true, false, true, false, null)),
                        (exchange, arguments) -> {
                            ToolArguments.none(arguments);
                            return new Command.QueueStatus(requester(exchange));
                        }),
                new AsyncToolSpecification(Tool.builder().name("info").title("About this Imagine")
                        .description("The model, the limits (steps, size, count, prompt length), the defaults, the"
                                + " sizes and decoders this Imagine offers, and who this assistant is in its queue.")
                        .inputSchema(ToolSchemas.none())
                        .annotations(new ToolAnnotations("About Imagine", true, false, true, false, null))
                        .build(), (exchange, request) -> Mono.fromSupplier(() -> info(exchange, request))));
    }

    /** A tool whose arguments make one command for the job service. */
    private AsyncToolSpecification tool(Tool.Builder tool,
                                        BiFunction<McpAsyncServerExchange, Map<String, Object>, Command> command) {
        return new AsyncToolSpecification(tool.build(), (exchange, request) -> Mono.defer(() -> {
            Command asked;
            try {
                asked = command.apply(exchange, request.arguments());
            } catch (ToolArguments.Unusable e) {
                if (asked(request, "imagine")) {
                    jobs.refusedByAdapter(ClientIdentity.PLATFORM);
                }
                return Mono.just(ToolResults.refusal(e.getMessage()));
            }
            return answer(exchange, request, asked);
        }).subscribeOn(Schedulers.boundedElastic()));
    }

    private static boolean asked(CallToolRequest request, String name) {
        return name.equals(request.name());
    }

    /**
     * Asks the job service and answers: at once for a refusal, an answer from the cache or a plain answer; when the
     * picture was accepted, once the job ends.
     */
    private Mono<CallToolResult> answer(McpAsyncServerExchange exchange, CallToolRequest request, Command command) {
        String apiBase = exchange.transportContext().get(API_BASE) instanceof String base ? base : null;
        PendingCall call = calls.open(apiBase, request.progressToken());
        Reply reply;
        try {
            reply = jobs.handle(command, call.origin());
        } catch (RuntimeException e) {
            calls.close(call);
            LOG.error("the {} tool failed", request.name(), e);
            return Mono.just(ToolResults.refusal(ReplyTexts.SOMETHING_WRONG));
        }
        return switch (reply) {
            case Reply.Refused refused -> done(call, ToolResults.refusal(refused.message()));
            case Reply.Info info -> done(call, ToolResults.text(info.text()));
            case Reply.Finished finished -> done(call, ToolResults.picture(finished.job(), finished.pngs(), null,
                    apiBase));
            case Reply.Accepted accepted -> awaited(exchange, request, call, command.requester(), accepted);
        };
    }

    private Mono<CallToolResult> done(PendingCall call, CallToolResult result) {
        calls.close(call);
        return Mono.just(result);
    }

    private Mono<CallToolResult> awaited(McpAsyncServerExchange exchange, CallToolRequest request, PendingCall call,
                                         Requester requester, Reply.Accepted accepted) {
        String jobId = accepted.job().id();
        call.jobId(jobId);
        Runnable cancel = () -> {
            Reply reply = jobs.handle(new Command.Cancel(requester, jobId), call.origin());
            LOG.debug("job {} cancelled for its MCP client: {}", jobId, ReplyTexts.text(reply));
        };
        call.cancelWith(cancel);
        call.sendProgressTo(exchange, cancel);
        call.waiting(ReplyTexts.queued(accepted.position(), accepted.eta()).text());
        AutoCloseable registration = cancellations.register(InboundTap.callKeyOf(request.meta()), cancel);
        return Mono.fromFuture(call.result(), true)
                // The worker thread completes the call: the answer is written to the client on another thread.
                .publishOn(Schedulers.boundedElastic())
                .doOnCancel(cancel)
                .doFinally(signal -> {
                    calls.close(call);
                    try {
                        registration.close();
                    } catch (Exception e) {
                        LOG.debug("releasing the cancel of job {}: {}", jobId, e.toString());
                    }
                });
    }

    private CallToolResult info(McpAsyncServerExchange exchange, CallToolRequest request) {
        try {
            ToolArguments.none(request.arguments());
        } catch (ToolArguments.Unusable e) {
            return ToolResults.refusal(e.getMessage());
        }
        JobSettings settings = jobs.settings();
        var limits = settings.limits();
        var usual = settings.defaults();
        Function<List<ImageSize>, String> sizes = list -> String.join(", ", list.stream()
                .map(ImageSize::toString).toList());
        return ToolResults.text("Imagine draws with the model " + settings.modelId() + " (" + settings.modelRevision()
                + ") on the CPU.\n"
                + "Limits: steps " + RequestRules.MIN_STEPS + "–" + limits.maxSteps() + ", width and height "
                + RequestRules.MIN_SIDE + "–" + limits.maxSide() + " in multiples of " + RequestRules.SIDE_STEP
                + ", count " + RequestRules.MIN_COUNT + "–" + limits.maxCount() + ", prompts up to "
                + limits.maxPromptLength() + " characters, guidance " + RequestRules.number(RequestRules.MIN_GUIDANCE)
                + "–" + RequestRules.number(RequestRules.MAX_GUIDANCE) + ".\n"
                + "Defaults: steps " + usual.steps() + ", size " + usual.size() + ", guidance "
                + RequestRules.number(usual.guidance()) + ", count " + usual.count() + ", decoder "
                + usual.decoder().label() + ".\n"
                + "Sizes offered: " + sizes.apply(RequestRules.sizesWithin(limits, usual.size())) + ".\n"
                + "Decoders: " + String.join(", ", RequestRules.decoders(settings.fastDecoderAvailable()).stream()
                .map(Decoder::label).toList()) + ".\n"
                + "You are " + requester(exchange).user().key() + " in the queue, which everyone shares fairly; "
                + jobs.queueView().length() + " waiting now.");
    }

    private static Requester requester(McpAsyncServerExchange exchange) {
        User user = ClientIdentity.userOf(exchange.getClientInfo());
        return Requester.direct(user);
    }
}
