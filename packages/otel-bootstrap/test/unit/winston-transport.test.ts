import { context, logs, trace, SeverityNumber, TraceFlags } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import winston from 'winston';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import { WinstonInstrumentation } from '@opentelemetry/instrumentation-winston';
import { LogsApiWinstonTransport } from '../../src/logs/LogsApiWinstonTransport';
import { WinstonLogSending } from '../../src/logs/WinstonLogSending';
import { severityOfWinstonLevel } from '../../src/logs/winston-severity';

const exporter = new InMemoryLogRecordExporter();
const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });

beforeAll(() => logs.setGlobalLoggerProvider(provider));
afterAll(() => logs.disable());
beforeEach(() => exporter.reset());

const records = () =>
  exporter.getFinishedLogRecords().map((r) => ({
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    body: r.body,
    attributes: r.attributes,
  }));

describe('LogsApiWinstonTransport', () => {
  it('emits severity, body and the other fields as attributes, and filters by the logger’s level', () => {
    const logger = winston.createLogger({ level: 'info', defaultMeta: { service: 'shop' } });
    logger.add(new LogsApiWinstonTransport());
    logger.info('order placed', { orderId: 'o-1', trace_id: 'x', span_id: 'y', trace_flags: '01' });
    logger.warn('slow');
    logger.debug('not at info level');
    expect(records()).toEqual([
      {
        severityNumber: SeverityNumber.INFO,
        severityText: 'info',
        body: 'order placed',
        attributes: { service: 'shop', orderId: 'o-1' },
      },
      { severityNumber: SeverityNumber.WARN, severityText: 'warn', body: 'slow', attributes: { service: 'shop' } },
    ]);
  });

  it('reads the level under its colors', () => {
    const logger = winston.createLogger({ format: winston.format.combine(winston.format.colorize()) });
    logger.add(new LogsApiWinstonTransport());
    logger.error('boom');
    expect(records().map((r) => [r.severityNumber, r.severityText])).toEqual([[SeverityNumber.ERROR, 'error']]);
  });

  it('emits in the context the app logged in', () => {
    const logger = winston.createLogger();
    logger.add(new LogsApiWinstonTransport());
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    };
    const key = Symbol.for('opentelemetry.js.contrib.winston.context');
    // What the winston instrumentation's write patch leaves on each record.
    logger.write({ level: 'info', message: 'in span', [key]: trace.setSpanContext(context.active(), spanContext) });
    const [record] = exporter.getFinishedLogRecords();
    expect(record.spanContext).toMatchObject({ traceId: spanContext.traceId, spanId: spanContext.spanId });
  });

  it.each([
    ['error', SeverityNumber.ERROR],
    ['warn', SeverityNumber.WARN],
    ['info', SeverityNumber.INFO],
    ['http', SeverityNumber.DEBUG3],
    ['verbose', SeverityNumber.DEBUG2],
    ['debug', SeverityNumber.DEBUG],
    ['silly', SeverityNumber.TRACE],
    ['emerg', SeverityNumber.FATAL3],
    ['notice', SeverityNumber.INFO2],
    ['constructor', SeverityNumber.UNSPECIFIED],
  ])('maps the level %s', (level, severity) => {
    expect(severityOfWinstonLevel(level)).toBe(severity);
  });
});

describe('WinstonLogSending', () => {
  // winston's Logger class, as the instrumentations' file hooks receive it.
  const Logger = require('winston/lib/winston/logger.js') as { prototype: { configure: unknown } };
  const original = Logger.prototype.configure;
  afterEach(() => (Logger.prototype.configure = original));

  /** Runs the file hooks of `instrumentation` on winston's Logger, as require-in-the-middle would. */
  const patchLogger = (instrumentation: InstrumentationBase) => {
    for (const file of instrumentation.getModuleDefinitions().flatMap((definition) => definition.files)) {
      // Upstream also hooks the same file of winston 1 and 2, whose exports differ.
      const forWinston3 = file.supportedVersions.includes('>=3 <4');
      if (file.name === 'winston/lib/winston/logger.js' && forWinston3) file.patch(Logger, '3.19.0');
    }
  };
  const ourTransports = (logger: winston.Logger) =>
    logger.transports.filter((transport) => transport instanceof LogsApiWinstonTransport);

  it.each([
    ['after', [() => new WinstonInstrumentation({ enabled: false }), () => new WinstonLogSending({ enabled: false })]],
    ['before', [() => new WinstonLogSending({ enabled: false }), () => new WinstonInstrumentation({ enabled: false })]],
  ])('adds one transport to every configured logger, patched %s upstream’s instrumentation', (_order, makers) => {
    for (const make of makers) patchLogger(make() as InstrumentationBase);
    const logger = winston.createLogger({ transports: [new winston.transports.Console({ silent: true })] });
    expect(ourTransports(logger)).toHaveLength(1);
    expect(logger.transports).toHaveLength(2);
    logger.configure({ level: 'debug' });
    expect(ourTransports(logger)).toHaveLength(1);
    logger.info('sent');
    expect(exporter.getFinishedLogRecords().map((r) => r.body)).toEqual(['sent']);
  });
});
