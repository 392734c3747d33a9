// Placeholder: replaced by the portal area.
export function PortalApp(props: { path: string; query: URLSearchParams }) {
  return <section class="page"><h1>Portal</h1><p>{props.path}</p></section>;
}
