"""What `spacy train --code` loads: the project's registrations a training config uses.

pretrain.py registers the callback that loads pretrained CNN weights (config.cfg);
events.nlp.gazetteer the knowledge-base gazetteer components (`--gazetteer` builds).
"""

import events.nlp.gazetteer
import events.nlp.train.pretrain  # noqa: F401
