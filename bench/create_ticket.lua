-- wrk: POST a new ui-api-bug ticket (about 1 KB of JSON) as the SPOC in $TOKEN.
local token = os.getenv("TOKEN")
local n = 0
local body = [[{"request_type":"ui-api-bug","subject":"Save button does nothing %d",]] ..
  [["description":"Since this morning the Save button on the line item page does not respond to clicks; the console shows a 500 from the PUT call. We tried two browsers and cleared caches.",]] ..
  [["impact":"Traders cannot change bids during the campaign launch, which costs us spend.",]] ..
  [["steps":"1. Open line item 123\n2. Change the bid\n3. Click Save\n4. Nothing happens",]] ..
  [["browser":"Chrome 131","os":"macOS 15.1","urls":["https://console.example/line-items/123"],]] ..
  [["object_ids":[{"type":"line_item","id":"123"}]}]]
request = function()
  n = n + 1
  return wrk.format("POST", "/api/v1/tickets", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, string.format(body, n))
end
