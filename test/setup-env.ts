// CDK's built-in CloudFormation schema validation costs ~1 s per template on
// this machine; unit tests turn it off unless a test (or the caller) opts in.
process.env.CDK_VALIDATION ??= 'false';
