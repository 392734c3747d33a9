// Placeholder: replaced by the agent area.
export function AgentApp(props: { path: string; query: URLSearchParams }) {
  return <section class="page"><h1>Agent</h1><p>{props.path}</p></section>;
}
