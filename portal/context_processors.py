from portal.roles import is_admin, is_editor, user_role


def roles(request):
    user = request.user
    return {
        "user_role": user_role(user),
        "is_editor": is_editor(user),
        "is_admin": is_admin(user),
    }
