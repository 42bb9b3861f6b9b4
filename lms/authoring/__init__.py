"""HR authoring in the browser: drafts, lessons, quiz questions, publishing, history, zips."""
