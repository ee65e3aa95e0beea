"""What both web APIs share: errors as HTTP answers, the request's runtime and caller, and
multipart uploads streamed into the file store."""
